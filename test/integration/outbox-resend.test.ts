import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { outbox, requestMessages, users } from '../../src/db/schema.js';
import { notification } from '../../src/domain/notifications.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import type { EngineDeps } from '../../src/services/context.js';
import {
  type DmTransport,
  dispatchOutbox,
  OUTBOX_LEASE_MS,
  type RenderedMessage,
} from '../../src/services/lifecycle/outbox.js';
import { notify } from '../../src/services/notify.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { inTransaction } from '../../src/services/tx.js';
import { OUTBOX_EVENT_TYPE, slackDmTransport } from '../../src/slack/dm-transport.js';
import { slackNotifier } from '../../src/slack/notifier.js';
import { refreshHome } from '../../src/slack/portal/home.js';
import { quietSlackLogger } from '../slack/support.js';
import { databaseLabel } from '../support/db.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { insertUser } from '../support/fixtures.js';
import { scenario } from '../support/request-fixtures.js';

/**
 * Invariant 5 across outages, against the simulated workspace: a DM Slack accepted while the
 * database went down (the row could not be marked sent), or whose answer was lost on the way
 * back, is found in the DM's history by its outbox key (message metadata) and not posted again;
 * a DM whose earlier attempt never reached Slack is still sent, once.
 */

const LEASE_SECONDS = OUTBOX_LEASE_MS / 1000;
let t: TestEngine;
const fake = new FakeSlack({ rateLimits: false });

/** The network between Gatehouse and Slack: it can lose one call's request, or its answer. */
const network = {
  lose: null as null | { method: string; what: 'request' | 'answer' },
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const lose = network.lose;
    if (lose && url.endsWith(`/api/${lose.method}`)) {
      network.lose = null;
      if (lose.what === 'request') throw new TypeError('fetch failed: connection reset');
      await fake.fetch(input, init);
      throw new TypeError('fetch failed: socket hang up');
    }
    return fake.fetch(input, init);
  },
};

// As the background client: no retries of its own, a 429 is an error at once.
const client = new WebClient(SANDBOX_BOT_TOKEN, {
  fetch: network.fetch,
  slackApiUrl: 'http://sandbox.invalid/api/',
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
  logger: quietSlackLogger,
});

/** The Home refresh the notifier is given in production (src/runtime.ts). */
const homesOf = (deps: EngineDeps) => ({
  refreshHome: (userId: string) => refreshHome({ engine: deps, log: deps.log }, client, userId),
});

const transport = slackDmTransport(client);
const render = (m: { kind: string; data: Record<string, unknown> }): RenderedMessage => ({
  text: `${m.kind}:${String(m.data.assignmentId)}`,
});

/** The same engine on a database handle that can go down: every query then fails. */
let outage = { down: false };
function flakyDeps(): EngineDeps {
  const state = { down: false };
  outage = state;
  const real = t.database.db;
  const flaky = Object.create(real) as Db;
  const gone = () => Promise.reject(new Error('Connection terminated unexpectedly'));
  flaky.execute = ((...args: Parameters<Db['execute']>) =>
    state.down ? gone() : real.execute(...args)) as Db['execute'];
  flaky.transaction = ((...args: Parameters<Db['transaction']>) =>
    state.down ? gone() : real.transaction(...args)) as Db['transaction'];
  return { ...t.deps, database: { ...t.database, db: flaky } };
}

/** The DM transport whose post takes the database down the moment Slack has answered. */
const downAfterSlackAnswers: DmTransport = {
  async post(to, message, key) {
    const sent = await transport.post(to, message, key);
    outage.down = true;
    return sent;
  },
};

/** A person of the workspace who is also in the store. */
async function person(name: string): Promise<string> {
  const id = fake.workspace.addUser({ name }).id;
  await insertUser(t.database.db, { id, name });
  return id;
}

async function queue(recipient: string, n: number) {
  await inTransaction(t.deps, (tx, now) =>
    notify(tx, now, {
      ...notification('access_delivered', recipient, {
        assignmentId: n,
        packageId: 1,
        packageName: 'Test',
        requestId: null,
        endsAt: null,
      }),
      idempotencyKey: `resend:${recipient}:${n}`,
    }),
  );
}

async function row(recipient: string) {
  const [r] = await t.database.db.select().from(outbox).where(eq(outbox.recipient, recipient));
  return r!;
}

function postsTo(userId: string) {
  return fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === userId || c.args.channel === fake.workspace.dms.get(userId));
}

beforeAll(async () => {
  t = await createTestEngine({ poolSize: 6 });
});
afterAll(() => t.close());
beforeEach(async () => {
  // Nothing left over from an earlier test is due.
  t.clock.advanceSeconds(3_600);
  await dispatchOutbox(t.deps, { transport, render });
});

describe(`DMs across outages (${databaseLabel})`, () => {
  it('a DM Slack accepted just before the database went down is not posted again after recovery', async () => {
    const dana = await person('dana');
    await queue(dana, 1);
    const dying = flakyDeps();
    await expect(dispatchOutbox(dying, { transport: downAfterSlackAnswers, render })).rejects.toThrow(
      'Connection terminated unexpectedly',
    );
    // Slack has it, with its key; the store could not say so.
    const [dm] = fake.messagesTo(dana);
    expect(fake.messagesTo(dana)).toHaveLength(1);
    expect(dm!.metadata).toEqual({
      event_type: OUTBOX_EVENT_TYPE,
      event_payload: { key: `resend:${dana}:1` },
    });
    const lost = await row(dana);
    expect(lost).toMatchObject({ sentAt: null, attempts: 1 });
    expect(lost.claimedUntil!.getTime()).toBeGreaterThan(t.clock.now().getTime());

    // The database is back. While the lease holds nobody touches the row; then the resend looks first.
    outage.down = false;
    expect((await dispatchOutbox(t.deps, { transport, render })).claimed).toBe(0);
    t.clock.advanceSeconds(LEASE_SECONDS + 1);
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ claimed: 1, sent: 1 });

    expect(fake.messagesTo(dana)).toHaveLength(1);
    expect(postsTo(dana)).toHaveLength(1);
    const lookups = fake.callsTo('conversations.history').filter((c) => c.args.channel === dm!.channel);
    expect(lookups).toHaveLength(1);
    // Form-encoded, as the SDK sends it.
    expect(lookups[0]!.args).toMatchObject({ include_all_metadata: 'true', limit: '15' });
    const recorded = await row(dana);
    expect(recorded.sentAt).not.toBeNull();
    expect(recorded.claimedUntil).toBeNull();
    // The DM channel the lookup found is cached for the next DM.
    const [cached] = await t.database.db.select().from(users).where(eq(users.id, dana));
    expect(cached!.dmChannelId).toBe(dm!.channel);
    expect((await dispatchOutbox(t.deps, { transport, render })).claimed).toBe(0);
  });

  it('a DM whose earlier attempt never reached Slack is still sent, once', async () => {
    // The process dies after claiming, before calling Slack: the lease runs out.
    const erin = await person('erin');
    await queue(erin, 1);
    const dying = flakyDeps();
    const diesBeforeSlack: DmTransport = {
      async post() {
        outage.down = true;
        throw new Error('killed');
      },
    };
    await expect(dispatchOutbox(dying, { transport: diesBeforeSlack, render })).rejects.toThrow(
      'Connection terminated unexpectedly',
    );
    expect(fake.messagesTo(erin)).toHaveLength(0);
    outage.down = false;
    t.clock.advanceSeconds(LEASE_SECONDS + 1);
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ claimed: 1, sent: 1 });
    expect(fake.messagesTo(erin).map((m) => m.text)).toEqual(['access_delivered:1']);

    // The request is lost on the way to Slack (no answer): retried after its backoff, looked up, sent.
    const finn = await person('finn');
    await queue(finn, 1);
    network.lose = { method: 'chat.postMessage', what: 'request' };
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ claimed: 1, retried: 1 });
    expect((await row(finn)).lastError).toBe('chat.postMessage: no_answer');
    t.clock.advanceSeconds(6);
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ claimed: 1, sent: 1 });
    expect(fake.messagesTo(finn).map((m) => m.text)).toEqual(['access_delivered:1']);
    expect(
      fake.callsTo('conversations.history').filter((c) => c.args.channel === fake.workspace.dms.get(finn)),
    ).toHaveLength(1);
  });

  it('a DM whose answer was lost (a timeout) is found in history and not posted twice', async () => {
    const gus = await person('gus');
    await queue(gus, 1);
    network.lose = { method: 'chat.postMessage', what: 'answer' };
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ retried: 1 });
    expect(fake.messagesTo(gus)).toHaveLength(1);
    t.clock.advanceSeconds(6);
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ claimed: 1, sent: 1 });
    expect(fake.messagesTo(gus)).toHaveLength(1);
    expect(postsTo(gus)).toHaveLength(1);
    expect((await row(gus)).sentAt).not.toBeNull();
  });

  it('only an unknown outcome costs a lookup: a DM Slack refused with a 429 is re-sent without one', async () => {
    const hana = await person('hana');
    await queue(hana, 1);
    const lookupsBefore = fake.callsTo('conversations.history').length;
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 3 });
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ retried: 1 });
    expect((await row(hana)).claimedUntil).toBeNull();
    t.clock.advanceSeconds(4);
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ sent: 1 });
    expect(fake.messagesTo(hana)).toHaveLength(1);
    expect(fake.callsTo('conversations.history')).toHaveLength(lookupsBefore);
  });

  it('when the history lookup itself fails the DM is posted again: at least once, as documented', async () => {
    const ivy = await person('ivy');
    await queue(ivy, 1);
    network.lose = { method: 'chat.postMessage', what: 'answer' };
    await dispatchOutbox(t.deps, { transport, render });
    fake.failNext('conversations.history', { error: 'missing_scope' });
    t.clock.advanceSeconds(6);
    expect(await dispatchOutbox(t.deps, { transport, render })).toMatchObject({ sent: 1 });
    expect(fake.messagesTo(ivy)).toHaveLength(2);
    // Once sent it is sent: nothing more.
    t.clock.advanceSeconds(LEASE_SECONDS + 1);
    expect((await dispatchOutbox(t.deps, { transport, render })).claimed).toBe(0);
  });

  it("a request card found in history is recorded as the card's copy and brought up to date", async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
    for (const id of [s.requestor, approver]) fake.workspace.addUser({ id, name: id.toLowerCase() });
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const dying = flakyDeps();
    const notifier = slackNotifier(dying, client, homesOf(dying));
    // The first card posted takes the database down with it.
    await expect(
      dispatchOutbox(dying, {
        transport: downAfterSlackAnswers,
        render: notifier.render,
        afterSend: notifier.afterSend,
      }),
    ).rejects.toThrow('Connection terminated unexpectedly');
    const posted = [...fake.messagesTo(s.requestor), ...fake.messagesTo(approver)];
    expect(posted).toHaveLength(1);
    const [first] = posted;

    outage.down = false;
    t.clock.advanceSeconds(LEASE_SECONDS + 1);
    const healthy = slackNotifier(t.deps, client, homesOf(t.deps));
    expect(
      await dispatchOutbox(t.deps, { transport, render: healthy.render, afterSend: healthy.afterSend }),
    ).toMatchObject({ sent: 2 });
    // Each person has one copy of the card; the one found is the one recorded.
    expect(fake.messagesTo(s.requestor)).toHaveLength(1);
    expect(fake.messagesTo(approver)).toHaveLength(1);
    const copies = await t.database.db
      .select()
      .from(requestMessages)
      .where(eq(requestMessages.requestId, requestId));
    expect(copies.map((c) => c.ts)).toContain(first!.ts);
    expect(copies).toHaveLength(2);
    // Recorded without what it shows, so the refresh re-rendered it in place (chat.update).
    expect(first!.updates.length).toBeGreaterThan(0);
  });
});
