import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { removeAssignment } from '../../src/services/requests/assignments.js';
import { MARKETING_GROUP, makePackage, OPEN_POLICY } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';

const { requestor, admin, marketingGroup } = WOODGROVE;

/**
 * Wake on write: a transaction that queued DMs (outbox rows) or fulfilments nobody took wakes
 * just those jobs when it commits; a read wakes nothing; no listener starts a whole tick. The
 * sandbox still runs every job after each request (it waits for a quiet app), so what is
 * checked here is what the app asked for, and that the DMs and grants all arrive.
 */
describe(`wake on write (${databaseLabel})`, () => {
  let s: Sandbox;
  /** Every kick the app made: the job names, or 'tick' for a whole tick. */
  let kicks: (readonly string[] | 'tick')[] = [];
  beforeAll(async () => {
    s = await startSandbox();
    const runner = s.gatehouse.jobs;
    const kick = runner.kick.bind(runner);
    runner.kick = (names) => {
      kicks.push(names ? [...names] : 'tick');
      kick(names);
    };
    await makePackage(s.gatehouse.deps, {
      name: 'Wake Campaign',
      resourceRoles: [MARKETING_GROUP],
      policy: OPEN_POLICY,
    });
    // The first command of a person records them (users.info): a write of no job's concern.
    await s.command(requestor, 'help');
  });
  afterAll(() => s.close());
  beforeEach(() => {
    kicks = [];
  });

  it('read-only commands wake nothing', async () => {
    for (const text of ['list', 'my', 'history', 'approvals', 'reviews', 'help', 'cancel R-999999']) {
      const { replies } = await s.command(requestor, text);
      expect(replies.length, text).toBeGreaterThan(0);
    }
    await s.command(admin, 'catalog list');
    expect(kicks).toEqual([]);
  });

  it('opening the request modal wakes nothing; the submission wakes the outbox only, and the grant and DMs arrive', async () => {
    await s.command(requestor, 'request Wake Campaign');
    expect(s.fake.openModal(requestor)).toBeTruthy();
    expect(kicks).toEqual([]);
    const dmsBefore = s.fake.messagesTo(requestor).length;

    const { ack } = await s.submit({ userId: requestor, answers: {} });
    expect(ack).toBeNull();
    // The grant was leased to the submission and delivered right after it: no delivery job woken.
    expect(kicks.length).toBeGreaterThan(0);
    for (const kick of kicks) expect(kick).toEqual(['outbox']);
    expect(s.fake.groupMembers(marketingGroup)).toContain(requestor);
    // "Submitted" and "delivered" DMs.
    expect(s.fake.messagesTo(requestor).length).toBeGreaterThanOrEqual(dmsBefore + 2);
    const [backlog] = await queryRows<{ n: number }>(
      s.gatehouse.database.db,
      sql`select count(*)::int as n from outbox where sent_at is null and dead_at is null`,
    );
    expect(Number(backlog!.n)).toBe(0);
  });

  it('a removal queues revokes nobody leased: it wakes the delivery job and the outbox', async () => {
    const [assignment] = await queryRows<{ id: number }>(
      s.gatehouse.database.db,
      sql`select a.id from assignments a join access_packages p on p.id = a.package_id
           where p.name = 'Wake Campaign' and a.user_id = ${requestor} and a.state = 'delivered'`,
    );
    await removeAssignment(s.gatehouse.deps, { userId: admin }, { assignmentId: assignment!.id });
    await s.idle();
    expect([...(kicks[0] ?? [])].sort()).toEqual(['delivery', 'outbox']);
    expect(kicks.flat()).not.toContain('tick');
    // The revoke was delivered (Requestor1 was the last member: the group is disabled instead).
    const [revoke] = await queryRows<{ state: string }>(
      s.gatehouse.database.db,
      sql`select state from fulfilments where assignment_id = ${assignment!.id} and action = 'revoke'`,
    );
    expect(revoke?.state).toBe('delivered');
  });
});
