import { describe, expect, it } from 'vitest';
import { answerErrorsMessage, checkAnswers } from '../../src/domain/answers.js';
import { type Question, questionSchema } from '../../src/domain/policy.js';

const questions: Question[] = [
  questionSchema.parse({
    id: 'team',
    text: 'Which team are you on?',
    kind: 'choice',
    choices: ['Sales', 'Ops'],
  }),
  questionSchema.parse({ id: 'ticket', text: 'Ticket number', kind: 'text', regex: '[A-Z]+-[0-9]+' }),
  questionSchema.parse({ id: 'notes', text: 'Anything else?', kind: 'text', required: false }),
];

describe('checkAnswers', () => {
  it('accepts valid answers, trimmed, and leaves out empty optional ones', () => {
    expect(checkAnswers(questions, { team: 'Ops', ticket: ' OPS-12 ', notes: '  ' })).toEqual({
      answers: { team: 'Ops', ticket: 'OPS-12' },
      errors: {},
    });
  });

  it('names each missing required answer', () => {
    expect(checkAnswers(questions, {}).errors).toEqual({
      team: 'This question needs an answer.',
      ticket: 'This question needs an answer.',
    });
  });

  it('refuses a choice that was not offered', () => {
    expect(checkAnswers(questions, { team: 'Legal', ticket: 'A-1' }).errors).toEqual({
      team: 'Pick one of: Sales, Ops.',
    });
  });

  it('requires the whole text to match the pattern', () => {
    expect(checkAnswers(questions, { team: 'Ops', ticket: 'see OPS-12 please' }).errors.ticket).toBe(
      "This answer isn't in the expected format.",
    );
    expect(checkAnswers(questions, { team: 'Ops', ticket: 'ops-12' }).errors.ticket).toBeDefined();
  });

  it('refuses answers over 2000 characters', () => {
    const long = 'x'.repeat(2001);
    expect(checkAnswers(questions, { team: 'Ops', ticket: 'A-1', notes: long }).errors.notes).toContain(
      '2000 characters',
    );
    expect(checkAnswers(questions, { team: 'Ops', ticket: 'A-1', notes: 'x'.repeat(2000) }).errors).toEqual(
      {},
    );
  });

  it('refuses answers to questions the policy does not ask', () => {
    expect(checkAnswers(questions, { team: 'Ops', ticket: 'A-1', salary: '1' }).errors).toEqual({
      salary: "This isn't one of the questions for this request.",
    });
  });

  it('words the refusal with the question text', () => {
    const { errors } = checkAnswers(questions, { team: 'Legal' });
    expect(answerErrorsMessage(questions, errors)).toBe(
      'Some answers need another look. "Which team are you on?": Pick one of: Sales, Ops. "Ticket number": This question needs an answer.',
    );
  });
});
