import type { Question } from './policy.js';

export const MAX_ANSWER_LENGTH = 2000;

export interface AnswerCheck {
  /** The answers to keep: trimmed, empty optional answers left out. */
  answers: Record<string, string>;
  /** Question id → what to fix, fit to show next to the question. */
  errors: Record<string, string>;
}

/**
 * Checks a requestor's answers against a policy's questions: required ones answered, choices
 * among the offered ones, text within 2000 characters and matching the question's pattern
 * (the whole answer must match). Answers to questions the policy doesn't ask are refused.
 */
export function checkAnswers(
  questions: readonly Question[],
  given: Readonly<Record<string, string>>,
): AnswerCheck {
  const answers: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const question of questions) {
    const value = (given[question.id] ?? '').trim();
    if (value === '') {
      if (question.required) errors[question.id] = 'This question needs an answer.';
      continue;
    }
    const problem = answerProblem(question, value);
    if (problem) errors[question.id] = problem;
    else answers[question.id] = value;
  }
  for (const id of Object.keys(given)) {
    if (!questions.some((q) => q.id === id)) errors[id] = "This isn't one of the questions for this request.";
  }
  return { answers, errors };
}

function answerProblem(question: Question, value: string): string | null {
  if (value.length > MAX_ANSWER_LENGTH) {
    return `Keep the answer to ${MAX_ANSWER_LENGTH} characters or fewer (it has ${value.length}).`;
  }
  if (question.kind === 'choice') {
    return question.choices.includes(value) ? null : `Pick one of: ${question.choices.join(', ')}.`;
  }
  if (question.regex !== null && !new RegExp(`^(?:${question.regex})$`).test(value)) {
    return "This answer isn't in the expected format.";
  }
  return null;
}

/** One sentence naming each question to fix, for the refusal's message. */
export function answerErrorsMessage(questions: readonly Question[], errors: Record<string, string>): string {
  const parts = Object.entries(errors).map(([id, error]) => {
    const text = questions.find((q) => q.id === id)?.text ?? id;
    return `"${text}": ${error}`;
  });
  return `Some answers need another look. ${parts.join(' ')}`;
}
