import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/clock.js';
import { queryRows } from '../../src/db/client.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { upsertUser } from '../../src/services/catalog/users.js';
import { SYSTEM } from '../../src/services/context.js';
import { MARKETING_GROUP, makePackage, OPEN_POLICY } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';

/**
 * 300 people request one package (one user group, no approval) at once, through the real app,
 * against the simulated workspace enforcing Slack's real tiers (scale 1: usergroups.users.update
 * 20 a minute). Delivery batches per group, so a few Tier 2 calls put everyone in; at expiry the
 * same takes everyone out. Slack's time is a clock the fake and the app's pacers share: the test
 * moves it forward where a person would wait (between waves of modals, while paced DMs go out)
 * instead of sleeping. Nothing here measures wall-clock time: `npm run bench -- --only e` does.
 */
const PEOPLE = 300;
const DAYS = 7;
const DAY = 86_400;
/** views.open is Tier 4 (100 a minute): the modals open in waves a Slack minute apart. */
const WAVE = 90;

describe(`${PEOPLE} requests for one user group under Slack's real tiers (${databaseLabel})`, () => {
  let s: Sandbox;
  const slackTime = new OffsetClock();
  const people: string[] = [];
  /** Moves Slack's time on while the app works, so paced calls need not wait in real time. */
  const fastForward = async <T>(work: () => Promise<T>): Promise<T> => {
    const timer = setInterval(() => slackTime.advance(1), 10);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  };

  beforeAll(async () => {
    s = await startSandbox({
      fake: { wallClock: slackTime },
      // A paced call polls the shared clock, so moving it on releases the call.
      pacing: { clock: slackTime, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    });
    const deps = s.gatehouse.deps;
    for (let i = 0; i < PEOPLE; i++) {
      const name = `crowd${i}`;
      const { id } = s.fake.workspace.addUser({ name, real_name: `Crowd ${i}` });
      await upsertUser(deps, SYSTEM, { id, name });
      people.push(id);
    }
  }, 120_000);
  afterAll(() => s.close(), 120_000);

  const dmsSaying = (userId: string, words: string) =>
    s.fake.messagesTo(userId).filter((m) => m.text.includes(words));
  const failedCalls = (prefix: string) =>
    s.fake.calls.filter((c) => c.method.startsWith(prefix) && (c.status === 429 || !c.ok));

  it('all are in the group after a few Tier 2 calls, each told once; at expiry all are out, told once', async () => {
    const db = s.gatehouse.deps.database.db;
    // Someone an admin put in the group by hand: Gatehouse leaves them there.
    s.fake.group(WOODGROVE.marketingGroup).users = [WOODGROVE.approver];
    await makePackage(s.gatehouse.deps, {
      name: 'Crowd Access',
      resourceRoles: [MARKETING_GROUP],
      policy: { ...OPEN_POLICY, expiry: { kind: 'days', days: DAYS }, reminderOffsetsHours: [] },
    });

    // Everyone opens the request modal (views.open, Tier 4), a wave per Slack minute.
    for (let start = 0; start < PEOPLE; start += WAVE) {
      // Ten at a time, so no trigger_id (3 s) runs out on a busy machine.
      for (let at = start; at < Math.min(start + WAVE, PEOPLE); at += 10) {
        const acks = await Promise.all(
          people
            .slice(at, Math.min(at + 10, start + WAVE))
            .map((userId) => s.send(s.fake.slashCommand({ userId, text: 'request Crowd Access' }))),
        );
        expect(acks.every((r) => r.status === 200)).toBe(true);
        await s.gatehouse.slack.idle();
      }
      slackTime.advance(60);
    }
    for (const userId of people) expect(s.fake.openModal(userId)?.title.text, userId).toBe('Request access');

    // Everyone submits within seconds, ten at a time (an ack must come within 3 s even on a
    // busy machine): the deliveries overlap, in real time, and coalesce under the group's lock.
    const updatesBefore = s.fake.callsTo('usergroups.users.update').length;
    for (let start = 0; start < PEOPLE; start += 10) {
      const acks = await Promise.all(
        people
          .slice(start, start + 10)
          .map((userId) => s.send(s.fake.viewSubmission({ userId, answers: {} }))),
      );
      expect(acks.map((r) => r.status)).toEqual(acks.map(() => 200));
    }
    await s.gatehouse.slack.idle();
    await fastForward(() => s.idle());

    const members = s.fake.groupMembers(WOODGROVE.marketingGroup);
    expect(members).toHaveLength(PEOPLE + 1);
    expect(members).toEqual(expect.arrayContaining([WOODGROVE.approver, ...people]));
    for (const userId of people) expect(dmsSaying(userId, 'You now have access to'), userId).toHaveLength(1);
    const updates = s.fake.callsTo('usergroups.users.update').slice(updatesBefore);
    // Far fewer than one call per person: the burst (18) goes on the first arrivals, then each
    // paced call carries everyone who arrived while it waited.
    expect(updates.length).toBeLessThanOrEqual(30);
    expect(s.fake.callsTo('usergroups.users.list').length).toBeLessThanOrEqual(updates.length + 2);
    expect(failedCalls('usergroups.')).toEqual([]);
    expect(failedCalls('chat.postMessage')).toEqual([]);
    const grants = await queryRows<{ state: string; attempts: number; n: number }>(
      db,
      sql`select state, attempts, count(*)::int as n from fulfilments group by state, attempts`,
    );
    expect(grants).toEqual([{ state: 'delivered', attempts: 1, n: PEOPLE }]);

    // Their expiry: one jump of the test clock runs it; the revokes batch the same way.
    const updatesBeforeExpiry = s.fake.callsTo('usergroups.users.update').length;
    await fastForward(async () => {
      await s.advance((DAYS + 1) * DAY);
      await s.idle();
    });
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.approver]);
    expect(s.fake.group(WOODGROVE.marketingGroup).disabled).toBe(false);
    for (const userId of people) expect(dmsSaying(userId, 'has expired'), userId).toHaveLength(1);
    const removals = s.fake.callsTo('usergroups.users.update').slice(updatesBeforeExpiry);
    // The test clock steps through the end times in order (the requests came seconds apart) and
    // runs the jobs to completion at each, so each step's sweep is its own batch; the 30 s job tick
    // would sweep them together. Still a batch per sweep, never a call per person.
    expect(removals.length).toBeGreaterThanOrEqual(1);
    expect(removals.length).toBeLessThanOrEqual(PEOPLE / 5);
    expect(failedCalls('usergroups.')).toEqual([]);
    expect(failedCalls('chat.postMessage')).toEqual([]);
    const [state] = await queryRows<{ expired: number; revoked: number; other: number; unsent: number }>(
      db,
      sql`select (select count(*)::int from assignments where state = 'expired') as expired,
                 (select count(*)::int from fulfilments where action = 'revoke' and state = 'delivered' and attempts = 1) as revoked,
                 (select count(*)::int from fulfilments where state not in ('delivered')) as other,
                 (select count(*)::int from outbox where sent_at is null) as unsent`,
    );
    expect(state).toEqual({ expired: PEOPLE, revoked: PEOPLE, other: 0, unsent: 0 });
  }, 300_000);
});
