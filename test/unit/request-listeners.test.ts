import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { policySettingsSchema } from '../../src/domain/policy.js';
import { silentLogger } from '../../src/logger.js';
import {
  createDummyBlockActionArgs,
  createDummyViewSubmissionArgs,
  DUMMY,
  registeredListeners,
} from '../../src/sandbox/listener-args.js';
import { buttonAction } from '../../src/sandbox/payloads.js';
import type { EngineDeps } from '../../src/services/context.js';
import type { SlackContext } from '../../src/slack/context.js';
import { register as registerCancelRequest } from '../../src/slack/listeners/actions/cancel-request.js';
import { register as registerDecisionReason } from '../../src/slack/listeners/views/decision-reason.js';
import { register as registerRequestAccess } from '../../src/slack/listeners/views/request-access.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { decisionReasonModal } from '../../views/requests/decision-reason-modal.js';
import { requestModal } from '../../views/requests/request-modal.js';

/**
 * The request listeners' answers that need no store: a form or button the app did not build (or
 * no longer matches), and input the engine refuses before it opens a transaction. The listeners
 * are called with bolt-style dummy arguments; the engine has a clock and no database, so a
 * listener that reached for the store would fail these tests.
 */

const NOW = new Date('2026-01-05T09:00:00Z');

/** A store-less context: any read of the engine but its clock throws, so nothing can be written or woken. */
function slackContext(): SlackContext {
  const clock = new ManualClock(NOW.toISOString());
  const engine = new Proxy({ clock } as unknown as EngineDeps, {
    get(target, key) {
      if (key === 'clock') return target.clock;
      throw new Error(`a unit test has no store: the listener read engine.${String(key)}`);
    },
  });
  const ctx = {
    engine,
    log: silentLogger,
    wallClock: clock,
    installation: () => null,
  };
  return ctx;
}

const form = () =>
  requestModal({
    package: { id: 7, name: 'Marketing Campaign', description: '' },
    policies: [{ id: 11, name: 'Initial policy', settings: policySettingsSchema.parse({}) }],
    now: NOW,
  });

/** The text of every block of a modal the listener answered with. */
const modalText = (ack: unknown) => JSON.stringify((ack as { view?: { blocks?: unknown } }).view?.blocks);

describe('the request modal submission (CALLBACK.requestAccess)', () => {
  const listen = (ctx: SlackContext) =>
    registeredListeners((app) => registerRequestAccess(app, ctx)).view(CALLBACK.requestAccess);

  it('a form the app did not build is replaced by one saying it is out of date; nothing is asked', async () => {
    const ctx = slackContext();
    const { args, acks } = createDummyViewSubmissionArgs({ view: { ...form(), private_metadata: '{}' } });
    await listen(ctx)(args);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({
      response_action: 'update',
      view: { title: { text: "Couldn't request" } },
    });
    expect(modalText(acks[0])).toContain('This form is out of date');
  });

  it('a justification longer than the engine takes comes back on its field; the modal stays open', async () => {
    const ctx = slackContext();
    const { args, acks } = createDummyViewSubmissionArgs({
      view: form(),
      answers: { justification: 'x'.repeat(2001) },
    });
    await listen(ctx)(args);
    expect(acks).toEqual([
      { response_action: 'errors', errors: { justification: expect.stringMatching(/2000/) } },
    ]);
  });
});

describe('the decision reason submission (CALLBACK.decisionReason)', () => {
  it('a reason modal whose metadata is not the app’s is refused as out of date', async () => {
    const ctx = slackContext();
    const built = decisionReasonModal({
      requestId: 1042,
      stage: 1,
      decision: 'deny',
      request: 'R-1042',
      packageName: 'Marketing Campaign',
      requestor: 'U0REQUESTOR1',
      justification: null,
    });
    const { args, acks } = createDummyViewSubmissionArgs({
      view: { ...built, private_metadata: JSON.stringify({ requestId: 'R-1042' }) },
    });
    await registeredListeners((app) => registerDecisionReason(app, ctx)).view(CALLBACK.decisionReason)(args);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({
      response_action: 'update',
      view: { title: { text: "Couldn't decide" } },
    });
    expect(modalText(acks[0])).toContain('This form is out of date');
  });
});

describe('Cancel on a request card (ACTION.cancelRequest)', () => {
  it('a button whose value is not a request id is acked and told, ephemeral, how to cancel instead', async () => {
    const ctx = slackContext();
    const { args, acks, responds, calls } = createDummyBlockActionArgs({
      action: buttonAction({ actionId: ACTION.cancelRequest, blockId: 'actions', value: 'R-<!channel>' }),
    });
    await registeredListeners((app) => registerCancelRequest(app, ctx)).action(ACTION.cancelRequest)(args);
    expect(acks).toHaveLength(1);
    expect(responds).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringContaining('That button is out of date'),
      }),
    ]);
    expect(JSON.stringify(responds)).toContain('/access cancel R-1042');
    expect(calls).toEqual([]);
    expect(args.body.user.id).toBe(DUMMY.userId);
  });
});
