import type { ViewOutput } from '@slack/bolt';
import { expect } from 'vitest';
import { decodeDraft, type WizardStep } from '../../views/admin/wizard/draft.js';
import { CALLBACK } from '../../views/ids.js';
import type { startSandbox } from '../support/sandbox.js';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Json = Record<string, unknown>;
type Answer = string | string[] | null;

/**
 * What Slack would submit for an untouched modal: every input's initial value. (The sandbox
 * submits only the answers it is given; Slack sends the initial values too.)
 */
export function initialAnswers(view: ViewOutput): Record<string, Answer> {
  const answers: Record<string, Answer> = {};
  for (const block of view.blocks as unknown as Json[]) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const e = (block.element ?? {}) as Json;
    const values = (list: unknown) => ((list as { value: string }[] | undefined) ?? []).map((o) => o.value);
    switch (e.type) {
      case 'plain_text_input':
      case 'number_input':
        if (typeof e.initial_value === 'string') answers[block.block_id] = e.initial_value;
        break;
      case 'static_select':
      case 'radio_buttons':
        if (e.initial_option) answers[block.block_id] = (e.initial_option as { value: string }).value;
        break;
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes':
        answers[block.block_id] = values(e.initial_options);
        break;
      case 'multi_users_select':
        answers[block.block_id] = (e.initial_users as string[] | undefined) ?? [];
        break;
      case 'multi_conversations_select':
        answers[block.block_id] = (e.initial_conversations as string[] | undefined) ?? [];
        break;
      case 'datepicker':
        if (typeof e.initial_date === 'string') answers[block.block_id] = e.initial_date;
        break;
    }
  }
  return answers;
}

/** The wizard modal open for the user, and the step its draft is on. */
export function wizardOf(s: Sandbox, userId: string): { view: ViewOutput; step: WizardStep } {
  const view = s.fake.openModal(userId);
  expect(view?.callback_id).toBe(CALLBACK.packageWizard);
  const draft = decodeDraft(view!.private_metadata);
  expect(draft).not.toBeNull();
  return { view: view!, step: draft!.step };
}

/** Submits the wizard's current step as Slack would: its initial values, with these answers on top. */
export async function submitStep(s: Sandbox, userId: string, answers: Record<string, Answer> = {}) {
  const { view } = wizardOf(s, userId);
  return s.submit({ userId, answers: { ...initialAnswers(view), ...answers } });
}

/** The value of the option shown as `text` in the input `blockId` of the open modal. */
export function optionValue(view: ViewOutput, blockId: string, text: string): string {
  const block = (view.blocks as unknown as Json[]).find((b) => b.block_id === blockId);
  const options = ((block?.element as Json | undefined)?.options ?? []) as {
    text: { text: string };
    value: string;
  }[];
  const option = options.find((o) => o.text.text === text);
  if (!option) throw new Error(`No option "${text}" in ${blockId}`);
  return option.value;
}

/** Every mrkdwn and plain text of some blocks, joined: what the person reads. */
export function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (typeof value !== 'object' || value === null) return '';
  const json = value as Json;
  if ((json.type === 'mrkdwn' || json.type === 'plain_text') && typeof json.text === 'string')
    return json.text;
  return Object.values(json).map(textOf).join('\n');
}

/** The single answer of an ephemeral command, as text. */
export async function commandText(s: Sandbox, userId: string, text: string): Promise<string> {
  const { replies } = await s.command(userId, text);
  expect(replies).toHaveLength(1);
  return textOf(replies[0]!.blocks ?? []) || replies[0]!.text;
}
