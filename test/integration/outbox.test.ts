import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, users } from '../../src/db/schema.js';
import { notification } from '../../src/domain/notifications.js';
import {
  DmSendError,
  type DmTransport,
  dispatchOutbox,
  type RenderedMessage,
} from '../../src/services/lifecycle/outbox.js';
import { notify } from '../../src/services/notify.js';
import { inTransaction } from '../../src/services/tx.js';
import { databaseLabel } from '../support/db.js';
import { useTestEngine } from '../support/engine.js';
import { insertUser } from '../support/fixtures.js';

/** A DM numbered `n` (its assignment id), under the test's own key. */
const accessDelivered = (recipient: string, n: number) =>
  notification('access_delivered', recipient, {
    assignmentId: n,
    packageId: 1,
    packageName: 'Test',
    requestId: null,
    endsAt: null,
  });

/** Like Slack: a post to a user id lands in the app's DM with them, and the answer names that DM. */
class FakeTransport implements DmTransport {
  /** Where each post was addressed (a user id for a first DM, else the cached DM channel). */
  addressed: string[] = [];
  posted: { channel: string; text: string }[] = [];
  failures: DmSendError[] = [];
  async post(to: string, message: RenderedMessage) {
    this.addressed.push(to);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const channel = to.startsWith('U') ? `D${to}` : to;
    this.posted.push({ channel, text: message.text });
    return { ts: String(this.posted.length), channel };
  }
}

describe(`outbox dispatcher (${databaseLabel})`, () => {
  const t = useTestEngine({ poolSize: 6 });

  const render = (m: { kind: string; data: Record<string, unknown> }) => ({
    text: `${m.kind}:${String(m.data.assignmentId)}`,
  });

  async function queue(recipient: string, n: number, key = `test:${recipient}:${n}`) {
    await inTransaction(t.deps, (tx, now) =>
      notify(tx, now, { ...accessDelivered(recipient, n), idempotencyKey: key }),
    );
  }

  async function row(recipient: string) {
    const [r] = await t.database.db.select().from(outbox).where(eq(outbox.recipient, recipient));
    return r!;
  }

  it('sends each notification once; the first goes to the user id, the DM channel Slack names is cached', async () => {
    const user = await insertUser(t.database.db);
    const transport = new FakeTransport();
    await queue(user, 1);
    await queue(user, 2);
    await queue(user, 2); // same key: queued once
    const report = await dispatchOutbox(t.deps, { transport, render });
    expect(report.sent).toBeGreaterThanOrEqual(2);
    expect(transport.posted.filter((p) => p.channel === `D${user}`).map((p) => p.text)).toEqual([
      'access_delivered:1',
      'access_delivered:2',
    ]);
    expect(transport.addressed.filter((to) => to === user || to === `D${user}`)).toEqual([user, `D${user}`]);
    const [cached] = await t.database.db.select().from(users).where(eq(users.id, user));
    expect(cached!.dmChannelId).toBe(`D${user}`);
    expect((await dispatchOutbox(t.deps, { transport, render })).claimed).toBe(0);
  });

  it('waits out a 429 for its Retry-After, then sends once', async () => {
    const user = await insertUser(t.database.db);
    const transport = new FakeTransport();
    await dispatchOutbox(t.deps, { transport, render }); // drain others
    await queue(user, 1);
    transport.failures.push(
      new DmSendError('ratelimited', { retryable: true, retryAfterMs: 30_000, answered: true }),
    );
    expect((await dispatchOutbox(t.deps, { transport, render })).retried).toBe(1);
    t.clock.advanceSeconds(29);
    expect((await dispatchOutbox(t.deps, { transport, render })).claimed).toBe(0);
    t.clock.advanceSeconds(2);
    expect((await dispatchOutbox(t.deps, { transport, render })).sent).toBe(1);
    expect(transport.posted.filter((p) => p.channel === `D${user}`)).toHaveLength(1);
    expect((await row(user)).attempts).toBe(2);
  });

  it('retries 5xx with backoff and gives up on a refusal, keeping the reason', async () => {
    const flaky = await insertUser(t.database.db);
    const gone = await insertUser(t.database.db);
    const transport = new FakeTransport();
    await dispatchOutbox(t.deps, { transport, render });
    await queue(flaky, 1);
    transport.failures.push(new DmSendError('HTTP 503', { retryable: true, answered: true }));
    await dispatchOutbox(t.deps, { transport, render });
    t.clock.advanceSeconds(6);
    await dispatchOutbox(t.deps, { transport, render });
    expect((await row(flaky)).sentAt).not.toBeNull();

    await queue(gone, 1);
    transport.failures.push(new DmSendError('user_not_found', { retryable: false, answered: true }));
    await dispatchOutbox(t.deps, { transport, render });
    const dead = await row(gone);
    expect(dead.deadAt).not.toBeNull();
    expect(dead.lastError).toBe('user_not_found');
    expect(dead.sentAt).toBeNull();
  });

  it('does not DM a deactivated person: the notification is dead-lettered with the reason', async () => {
    const leaver = await insertUser(t.database.db, { deactivated: true });
    const transport = new FakeTransport();
    await dispatchOutbox(t.deps, { transport, render });
    await queue(leaver, 1);
    expect((await dispatchOutbox(t.deps, { transport, render })).dead).toBe(1);
    expect(transport.addressed).not.toContain(leaver);
    expect((await row(leaver)).lastError).toBe('the recipient is deactivated');
  });

  it('two dispatchers at once send every notification exactly once', async () => {
    const recipients = await Promise.all(Array.from({ length: 10 }, () => insertUser(t.database.db)));
    const transport = new FakeTransport();
    await dispatchOutbox(t.deps, { transport, render });
    for (const r of recipients) await queue(r, 1);
    const before = transport.posted.length;
    await Promise.all([
      dispatchOutbox(t.deps, { transport, render }),
      dispatchOutbox(t.deps, { transport, render }),
    ]);
    const sent = transport.posted.slice(before).map((p) => p.channel);
    expect(sent.sort()).toEqual(recipients.map((r) => `D${r}`).sort());
  });
});
