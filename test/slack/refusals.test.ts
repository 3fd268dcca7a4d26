import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GatehouseError, named, people, person, sentence, typed } from '../../src/domain/errors.js';
import { createLogger, silentLogger, withLogScope } from '../../src/logger.js';
import { checkView } from '../../src/sandbox/block-kit-checks.js';
import { runTracked, type TrackedRequest } from '../../src/slack/observe/scope.js';
import {
  ephemeralReply,
  errorModal,
  explain,
  fieldErrors,
  refusalNotice,
  UNEXPECTED_FAILURE,
} from '../../src/slack/refusals.js';
import { requestFormFields } from '../../src/slack/requests/request-form.js';
import { noticeBlock } from '../../views/notice.js';

const EVIL = '<!channel> & <@U0TYPED>';

function tracked(): TrackedRequest {
  return { kind: 'action', id: 'cancel_request', reqId: 'req-1', outcome: 'ok', startedAt: 0 };
}

/** A logger whose lines are kept, as JSON. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('info', { destination }), lines };
}

describe('the Slack-side error boundary (src/slack/refusals.ts)', () => {
  it('renders a sentence once: text escaped, people as mentions from their ids, names bold, commands as code', () => {
    const error = new GatehouseError(
      'request.not_yours',
      sentence`${named(EVIL)} isn't yours: only ${person('U0OWNER')} can cancel it. Ask ${people(['U0A', 'U0B'])}, or type ${typed('/access cancel <R-1>')}.`,
      { ownerId: 'U0OWNER' },
    );
    // The engine's own sentence is plain text: no mrkdwn, people as @ids.
    expect(error.message).toBe(
      `${EVIL} isn't yours: only @U0OWNER can cancel it. Ask @U0A and @U0B, or type /access cancel <R-1>.`,
    );
    const refusal = explain(error, silentLogger);
    expect(refusal).toMatchObject({ kind: 'refused', code: 'request.not_yours' });
    expect(refusal.mrkdwn).toBe(
      "*&lt;!channel&gt; &amp; &lt;@U0TYPED&gt;* isn't yours: only <@U0OWNER> can cancel it. Ask <@U0A> and <@U0B>, or type `/access cancel &lt;R-1&gt;`.",
    );
    // What was typed inside a name never becomes a mention, a broadcast or a link.
    expect(JSON.stringify(ephemeralReply(refusal))).not.toMatch(/<@U0TYPED>|<!channel>/);
  });

  it('answers commands and clicks ephemerally, with the hint a refusal has where the person can act on it', () => {
    const reply = ephemeralReply(
      explain(
        new GatehouseError('package.has_assignments', "Sales can't be deleted: 1 person holds it.", {
          packageName: 'Sales <b>',
        }),
        silentLogger,
      ),
    );
    expect(reply.text).toBe(":no_entry: Sales can't be deleted: 1 person holds it.");
    expect(JSON.stringify(reply.blocks)).toContain('`/access package delete Sales &lt;b&gt; --force`');
  });

  it('notes the refusal by its code for the metrics, not by its text', () => {
    const request = tracked();
    runTracked(request, () =>
      explain(new GatehouseError('request.already_decided', 'Decided.'), silentLogger),
    );
    expect(request).toMatchObject({ outcome: 'refused', refusalCode: 'request.already_decided' });
  });

  it('an unexpected error: one wording, one error line carrying the request id, outcome error', () => {
    const { log, lines } = capturingLogger();
    const request = tracked();
    const refusal = runTracked(request, () =>
      withLogScope({ fields: { reqId: request.reqId } }, () =>
        explain(new Error('connection reset'), log, { requestId: 7 }),
      ),
    );
    expect(refusal).toMatchObject({ kind: 'failed', code: 'unexpected', error: null });
    expect(ephemeralReply(refusal).text).toBe(`:warning: ${UNEXPECTED_FAILURE}`);
    expect(noticeBlock(refusalNotice(refusal)).text?.text).toBe(`:warning: ${UNEXPECTED_FAILURE}`);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([
      expect.objectContaining({
        reqId: 'req-1',
        requestId: 7,
        msg: 'unexpected failure while answering a person',
      }),
    ]);
    expect(request.outcome).toBe('error');
  });

  it('view submissions: each field the engine names, on its block_id; null when the form has no such field', () => {
    const view = {
      blocks: [
        { type: 'section', block_id: 'intro' },
        { type: 'input', block_id: 'justification' },
        { type: 'input', block_id: 'answer_q1' },
        { type: 'input', block_id: 'end_date' },
      ],
    };
    const form = requestFormFields(view as never);
    const missing = new GatehouseError('policy.answer_invalid', 'Answer "Team?".', {
      fields: { q1: 'Pick a team.' },
    });
    expect(fieldErrors(explain(missing, silentLogger), form)).toEqual({
      response_action: 'errors',
      errors: { answer_q1: 'Pick a team.' },
    });
    // A date the policy doesn't allow: the sentence says which it does.
    const late = new GatehouseError('policy.timeline_invalid', 'Pick an end on or before 2026-03-06.', {
      fields: { endAt: 'Too late.' },
    });
    expect(fieldErrors(explain(late, silentLogger), form)?.errors).toEqual({
      end_date: 'Pick an end on or before 2026-03-06.',
    });
    const noStart = new GatehouseError('policy.timeline_invalid', 'Leave the start empty.', {
      fields: { startAt: 'Leave this empty.' },
    });
    expect(fieldErrors(explain(noStart, silentLogger), form)).toBeNull();
    expect(
      fieldErrors(explain(new GatehouseError('request.already_open', 'Asked.'), silentLogger), form),
    ).toBeNull();
  });

  it('a one-field form shows any refusal, or the failure, on its field as plain text', () => {
    const form = { inputs: new Set(['reason']), fallback: 'reason' };
    const notReviewer = new GatehouseError(
      'review.not_reviewer',
      sentence`Ask ${person('U0REV')} to decide.`,
    );
    expect(fieldErrors(explain(notReviewer, silentLogger), form)).toEqual({
      response_action: 'errors',
      errors: { reason: 'Ask @U0REV to decide.' },
    });
    expect(fieldErrors(explain(new Error('boom'), silentLogger), form)?.errors).toEqual({
      reason: UNEXPECTED_FAILURE,
    });
  });

  it('an error modal in place of the form: within Slack limits, the subject escaped', () => {
    const view = errorModal(
      explain(
        new GatehouseError('request.already_assigned', sentence`You already have ${named(EVIL)}.`),
        silentLogger,
      ),
      { title: "Couldn't request", subject: EVIL, footer: 'Nothing was requested.' },
    );
    expect(checkView(view).filter((issue) => issue.level === 'error')).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(':no_entry: *&lt;!channel&gt; &amp; &lt;@U0TYPED&gt;*\\nYou already have');
    expect(text).not.toMatch(/<@U0TYPED>|<!channel>/);
    expect(text).toContain('Nothing was requested.');
  });
});
