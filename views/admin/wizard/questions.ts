import type { KnownBlock } from '@slack/types';
import { actions, button, context, section } from '../../blocks.js';
import { ACTION } from '../../ids.js';
import { userText } from '../../mrkdwn.js';
import { checkbox, input, option, radio, textInput } from '../inputs.js';
import { isEditing, type QuestionDraft, WIZARD_LIMITS, type WizardDraft } from './model.js';
import { questionsAsDrafts } from './policy-mapping.js';
import type { WizardData } from './shell.js';
import {
  checkedOf,
  type FieldErrors,
  optionOf,
  type StateValues,
  type StepReading,
  textOf,
} from './state.js';

const CHOICE_MAX = 75;
/** Empty question fields shown to start with; one more appears as each is filled. */
const FIRST_SLOTS = 3;

/** How many questions the step shows fields for: every one asked, and one empty, up to the limit. */
export function questionSlots(asked: number): number {
  return Math.min(WIZARD_LIMITS.questions, Math.max(FIRST_SLOTS, asked + 1));
}

/** Whether stored questions fit the wizard's fields (else the step shows them and keeps them). */
export function questionsFitWizard(questions: readonly QuestionDraft[]): boolean {
  return (
    questions.length <= WIZARD_LIMITS.questions &&
    questions.every(
      (q) =>
        [...q.text].length <= WIZARD_LIMITS.questionText &&
        [...q.choices.join('\n')].length <= WIZARD_LIMITS.choicesText &&
        q.choices.length <= WIZARD_LIMITS.choices &&
        [...(q.regex ?? '')].length <= WIZARD_LIMITS.regex,
    )
  );
}

/** The questions the step shows: the draft's, or the stored ones while they are unchanged. */
export function shownQuestions(draft: WizardDraft, data: WizardData): QuestionDraft[] {
  return draft.questions ?? questionsAsDrafts(data.current?.settings.questions ?? []);
}

function questionBlocks(q: QuestionDraft | undefined, n: number): KnownBlock[] {
  const id = `question_${n}`;
  return [
    input(id, `Question ${n}`, textInput(id, { initial: q?.text, max: WIZARD_LIMITS.questionText }), {
      optional: true,
      hint: n === 1 ? 'Leave it empty to ask nothing.' : undefined,
    }),
    input(
      `${id}_kind`,
      `Question ${n}: answer`,
      radio(`${id}_kind`, [option('Text', 'text'), option('Multiple choice', 'choice')], q?.kind ?? 'text'),
      { optional: true },
    ),
    input(
      `${id}_choices`,
      `Question ${n}: choices`,
      textInput(`${id}_choices`, {
        initial: q?.choices.join('\n'),
        max: WIZARD_LIMITS.choicesText,
        multiline: true,
      }),
      { optional: true, hint: 'For multiple choice: one choice per line, at least two.' },
    ),
    input(
      `${id}_required`,
      `Question ${n}: required`,
      checkbox(`${id}_required`, 'Requestors must answer', q?.required ?? true),
      { optional: true },
    ),
    input(
      `${id}_regex`,
      `Question ${n}: pattern`,
      textInput(`${id}_regex`, {
        initial: q?.regex ?? '',
        max: WIZARD_LIMITS.regex,
        placeholder: '^[A-Z]{3}-\\d+$',
      }),
      { optional: true, hint: 'For text answers: a regular expression the answer must match.' },
    ),
  ];
}

/**
 * Step 4: questions for the request form, up to the engine's ten. "Another question" keeps what
 * was typed and shows one more empty question (the Back action, to this same step).
 */
export function questionsBlocks(draft: WizardDraft, data: WizardData): KnownBlock[] {
  const questions = shownQuestions(draft, data);
  if (isEditing(draft) && draft.questions === null && !questionsFitWizard(questions)) {
    return [
      section(
        `This policy asks ${questions.length} question${questions.length === 1 ? '' : 's'}, more than the wizard can edit; they stay as they are:\n${questions
          .map((q) => `• ${userText(q.text, 200)}`)
          .join('\n')}`,
      ),
    ];
  }
  const slots = questionSlots(questions.length);
  const blocks: KnownBlock[] = [
    context('Questions shown on the request form, answered by the requestor. All optional.'),
    ...Array.from({ length: slots }, (_, i) => questionBlocks(questions[i], i + 1)).flat(),
  ];
  if (slots < WIZARD_LIMITS.questions) {
    blocks.push(
      actions('question_more', [button('Another question', ACTION.wizardBack, 'questions')]),
      context(`Fill the last question, then add another. Up to ${WIZARD_LIMITS.questions}.`),
    );
  }
  return blocks;
}

export function readQuestions(
  values: StateValues,
  draft: WizardDraft,
  data: WizardData,
): StepReading<WizardDraft> {
  if (values.question_1 === undefined) return { ok: true, draft };
  const errors: FieldErrors = {};
  const questions: QuestionDraft[] = [];
  for (let n = 1; n <= WIZARD_LIMITS.questions; n += 1) {
    const id = `question_${n}`;
    if (values[id] === undefined) break;
    const text = textOf(values, id);
    if (!text) continue;
    const kind = optionOf(values, `${id}_kind`) === 'choice' ? 'choice' : 'text';
    const choices = textOf(values, `${id}_choices`)
      .split('\n')
      .map((c) => c.trim())
      .filter(Boolean);
    const regex = textOf(values, `${id}_regex`) || null;
    if ([...text].length > WIZARD_LIMITS.questionText) {
      errors[id] = `Keep the question to ${WIZARD_LIMITS.questionText} characters or fewer.`;
    }
    if (kind === 'choice') {
      if (choices.length < 2) errors[`${id}_choices`] = 'Give at least two choices, one per line.';
      else if (choices.length > WIZARD_LIMITS.choices) {
        errors[`${id}_choices`] = `Give at most ${WIZARD_LIMITS.choices} choices.`;
      } else if (choices.some((c) => [...c].length > CHOICE_MAX)) {
        errors[`${id}_choices`] = `Keep each choice to ${CHOICE_MAX} characters or fewer.`;
      } else if (new Set(choices).size !== choices.length) errors[`${id}_choices`] = 'Give each choice once.';
    }
    if (kind === 'text' && regex !== null) {
      try {
        new RegExp(regex);
      } catch {
        errors[`${id}_regex`] = "That isn't a valid regular expression.";
      }
    }
    questions.push({
      text,
      kind,
      required: checkedOf(values, `${id}_required`),
      choices: kind === 'choice' ? choices : [],
      regex: kind === 'text' ? regex : null,
    });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const stored = questionsAsDrafts(data.current?.settings.questions ?? []);
  const unchanged = isEditing(draft) && JSON.stringify(stored) === JSON.stringify(questions);
  return { ok: true, draft: { ...draft, questions: unchanged ? null : questions } };
}
