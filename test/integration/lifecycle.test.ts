import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { assignments, auditLog, expiryReminders, fulfilments, outbox } from '../../src/db/schema.js';
import { SYSTEM } from '../../src/services/context.js';
import { endAssignments } from '../../src/services/lifecycle/assignment-writer.js';
import { deliverDue, deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { expireDueAssignments } from '../../src/services/lifecycle/expiry.js';
import { retryAbandoned } from '../../src/services/lifecycle/retry-delivery.js';
import { inTransaction } from '../../src/services/tx.js';
import { createHeldAssignment } from '../support/assignments.js';
import { type MadePackage, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { useTestEngine } from '../support/engine.js';
import { insertUser } from '../support/fixtures.js';

describe(`assignment lifecycle and delivery (${databaseLabel})`, () => {
  const t = useTestEngine({ poolSize: 6 });

  const assign = (pkg: MadePackage, userId: string, days = 30) =>
    createHeldAssignment(t.deps, pkg, userId, { days, reminderOffsetsHours: [336, 24] });

  async function assignmentState(id: number) {
    const [row] = await t.database.db.select().from(assignments).where(eq(assignments.id, id));
    return row!.state;
  }

  it('delivers a grant, marks the assignment delivered, audits it and queues one DM', async () => {
    const pkg = await makePackage(t.deps);
    const user = await insertUser(t.database.db);
    const { assignmentId, fulfilmentIds } = await assign(pkg, user);
    const reminders = await t.database.db
      .select()
      .from(expiryReminders)
      .where(eq(expiryReminders.assignmentId, assignmentId));
    expect(reminders.map((r) => r.offsetHours).sort()).toEqual([24, 336]);

    const report = await deliverFulfilments(t.deps, fulfilmentIds);
    expect(report).toMatchObject({ claimed: 1, delivered: 1, failed: 0 });
    expect(t.connector.has(pkg.resource.externalId, user)).toBe(true);
    expect(await assignmentState(assignmentId)).toBe('delivered');
    const actions = await t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.assignmentId, assignmentId))
      .orderBy(auditLog.id);
    expect(actions.map((a) => a.action)).toEqual(['assignment.created', 'assignment.delivered']);
    const dms = await t.database.db.select().from(outbox).where(eq(outbox.recipient, user));
    expect(dms.map((d) => d.kind)).toEqual(['access_delivered']);

    // Delivering again is a no-op: the fulfilment is done.
    expect((await deliverFulfilments(t.deps, fulfilmentIds)).claimed).toBe(0);
  });

  it('retries a failed grant with backoff and tells the user once', async () => {
    const pkg = await makePackage(t.deps);
    const user = await insertUser(t.database.db);
    const { assignmentId, fulfilmentIds } = await assign(pkg, user);
    t.connector.failNext(2, { match: (target) => target.userId === user });

    expect((await deliverFulfilments(t.deps, fulfilmentIds)).failed).toBe(1);
    expect(await assignmentState(assignmentId)).toBe('delivery_failed');
    // Not due yet: the backoff holds it back.
    expect((await deliverDue(t.deps)).claimed).toBe(0);
    t.clock.advanceSeconds(31);
    expect((await deliverDue(t.deps)).failed).toBe(1);
    t.clock.advanceSeconds(61);
    expect((await deliverDue(t.deps)).delivered).toBe(1);

    expect(await assignmentState(assignmentId)).toBe('delivered');
    const [f] = await t.database.db.select().from(fulfilments).where(eq(fulfilments.id, fulfilmentIds[0]!));
    expect(f).toMatchObject({ state: 'delivered', attempts: 3 });
    const kinds = (await t.database.db.select().from(outbox).where(eq(outbox.recipient, user))).map(
      (d) => d.kind,
    );
    expect(kinds).toEqual(['delivery_failed', 'access_delivered']);
  });

  it('gives up on a non-retryable failure, tells the admins, and an admin retry delivers it', async () => {
    const pkg = await makePackage(t.deps);
    const user = await insertUser(t.database.db);
    const { assignmentId, fulfilmentIds } = await assign(pkg, user);
    t.connector.failNext(1, {
      retryable: false,
      message: 'channel is private',
      match: (x) => x.userId === user,
    });

    expect((await deliverFulfilments(t.deps, fulfilmentIds)).abandoned).toBe(1);
    expect(await assignmentState(assignmentId)).toBe('delivery_failed');
    const adminDms = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, 'UADMIN0001'), sql`${outbox.data}->>'userId' = ${user}`));
    expect(adminDms).toHaveLength(1);
    expect(adminDms[0]!.data).toMatchObject({ forAdmin: true, error: 'channel is private' });

    await expect(retryAbandoned(t.deps, { userId: user }, { assignmentId })).rejects.toThrow(
      /only people who can/,
    );
    const retried = await retryAbandoned(t.deps, { userId: 'UADMIN0001' }, { assignmentId });
    expect(retried).toEqual(fulfilmentIds);
    await deliverFulfilments(t.deps, retried);
    expect(await assignmentState(assignmentId)).toBe('delivered');
  });

  it('invariant 4: removing one assignment keeps a membership another active assignment grants', async () => {
    const first = await makePackage(t.deps);
    const second = await makePackage(t.deps, { resource: first.resource });
    const user = await insertUser(t.database.db);
    const a1 = await assign(first, user);
    const a2 = await assign(second, user);
    await deliverFulfilments(t.deps, [...a1.fulfilmentIds, ...a2.fulfilmentIds]);
    expect(t.connector.has(first.resource.externalId, user)).toBe(true);

    const end1 = await inTransaction(t.deps, (tx, now) =>
      endAssignments(tx, now, { userId: 'UADMIN0001' }, [a1.assignmentId], 'removed_by_admin'),
    );
    expect(end1.ended).toHaveLength(1);
    const report1 = await deliverFulfilments(t.deps, end1.fulfilmentIds);
    expect(report1.skipped).toBe(1);
    expect(t.connector.has(first.resource.externalId, user)).toBe(true);

    const end2 = await inTransaction(t.deps, (tx, now) =>
      endAssignments(tx, now, SYSTEM, [a2.assignmentId], 'expired'),
    );
    await deliverFulfilments(t.deps, end2.fulfilmentIds);
    expect(t.connector.has(first.resource.externalId, user)).toBe(false);
    expect(await assignmentState(a1.assignmentId)).toBe('removed');
    expect(await assignmentState(a2.assignmentId)).toBe('expired');
    const audit = await t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.subjectUserId, user))
      .orderBy(auditLog.id);
    expect(audit.map((a) => a.action)).toContain('assignment.revoke_kept');
    expect(audit.map((a) => a.action)).toContain('assignment.access_revoked');
  });

  it('cancels a grant never attempted when the assignment ends first, and revokes nothing', async () => {
    const pkg = await makePackage(t.deps);
    const user = await insertUser(t.database.db);
    const { assignmentId, fulfilmentIds } = await assign(pkg, user);
    const ended = await inTransaction(t.deps, (tx, now) =>
      endAssignments(tx, now, SYSTEM, [assignmentId], 'removed_by_user'),
    );
    expect(ended.fulfilmentIds).toEqual([]);
    expect((await deliverFulfilments(t.deps, fulfilmentIds)).claimed).toBe(0);
    const [f] = await t.database.db.select().from(fulfilments).where(eq(fulfilments.id, fulfilmentIds[0]!));
    expect(f!.state).toBe('canceled');
    expect(t.connector.calls.filter((c) => c.userId === user)).toEqual([]);
    // Its unsent reminders went with it.
    expect(
      await t.database.db
        .select()
        .from(expiryReminders)
        .where(eq(expiryReminders.assignmentId, assignmentId)),
    ).toEqual([]);
  });

  it('ending an already ended assignment does nothing', async () => {
    const pkg = await makePackage(t.deps);
    const user = await insertUser(t.database.db);
    const { assignmentId } = await assign(pkg, user);
    await inTransaction(t.deps, (tx, now) =>
      endAssignments(tx, now, SYSTEM, [assignmentId], 'removed_by_admin'),
    );
    const again = await inTransaction(t.deps, (tx, now) =>
      endAssignments(tx, now, SYSTEM, [assignmentId], 'expired'),
    );
    expect(again.ended).toEqual([]);
    expect(await assignmentState(assignmentId)).toBe('removed');
  });

  it('expires every due assignment in set-based batches, with audit rows, DMs and revokes', async () => {
    const pkg = await makePackage(t.deps);
    const users = await Promise.all(Array.from({ length: 25 }, () => insertUser(t.database.db)));
    const created = [];
    for (const user of users) created.push(await assign(pkg, user, 2));
    await deliverFulfilments(
      t.deps,
      created.flatMap((c) => c.fulfilmentIds),
    );
    const notDue = await assign(pkg, await insertUser(t.database.db), 10);

    t.clock.advanceDays(3);
    const report = await expireDueAssignments(t.deps, { batchSize: 10 });
    expect(report.expired).toBeGreaterThanOrEqual(25);
    expect(report.batches).toBeGreaterThanOrEqual(3);
    for (const c of created) expect(await assignmentState(c.assignmentId)).toBe('expired');
    expect(await assignmentState(notDue.assignmentId)).toBe('delivering');

    const expiredAudit = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_log where action = 'assignment.expired' and package_id = ${pkg.packageId}`,
    );
    expect(Number(expiredAudit[0]!.n)).toBe(25);
    const endedDms = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from outbox where kind = 'access_ended' and (data->>'packageId')::int = ${pkg.packageId}`,
    );
    expect(Number(endedDms[0]!.n)).toBe(25);

    await deliverDue(t.deps, { limit: 100 });
    for (const user of users) expect(t.connector.has(pkg.resource.externalId, user)).toBe(false);
    // Nothing is due twice.
    expect((await expireDueAssignments(t.deps)).expired).toBe(0);
  });

  it('two runners over the same due work call the connector once per fulfilment', async () => {
    const pkg = await makePackage(t.deps);
    const users = await Promise.all(Array.from({ length: 12 }, () => insertUser(t.database.db)));
    for (const user of users) await assign(pkg, user);
    const before = t.connector.calls.length;
    const [r1, r2] = await Promise.all([deliverDue(t.deps), deliverDue(t.deps)]);
    const calls = t.connector.calls.slice(before).filter((c) => users.includes(c.userId));
    expect(calls).toHaveLength(12);
    expect(new Set(calls.map((c) => c.userId)).size).toBe(12);
    expect(r1.delivered + r2.delivered).toBeGreaterThanOrEqual(12);
  });

  it('work claimed by a runner that died is picked up once its lease runs out', async () => {
    const pkg = await makePackage(t.deps);
    const user = await insertUser(t.database.db);
    const { fulfilmentIds } = await assign(pkg, user);
    // A runner claims it and dies before calling the connector.
    await t.database.db
      .update(fulfilments)
      .set({ claimedUntil: new Date(t.clock.now().getTime() + 300_000), attempts: 1 })
      .where(eq(fulfilments.id, fulfilmentIds[0]!));
    expect((await deliverDue(t.deps)).claimed).toBe(0);
    t.clock.advanceSeconds(301);
    expect((await deliverDue(t.deps)).delivered).toBe(1);
    expect(t.connector.has(pkg.resource.externalId, user)).toBe(true);
  });
});
