import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assignments, outbox, requests } from '../../src/db/schema.js';
import { isGatehouseError } from '../../src/domain/errors.js';
import { policySettingsSchema } from '../../src/domain/policy.js';
import { SYSTEM } from '../../src/services/context.js';
import {
  endAssignments,
  settleAssignment,
  transitionAssignments,
} from '../../src/services/lifecycle/assignment-writer.js';
import { runDueWork } from '../../src/services/lifecycle/due-work.js';
import { proceedApproved } from '../../src/services/requests/approved-requests.js';
import { createRequest, moveRequest } from '../../src/services/requests/request-writer.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { inTransaction } from '../../src/services/tx.js';
import { renderNotification } from '../../views/notifications.js';
import { createHeldAssignment, deliveredAssignment } from '../support/assignments.js';
import { databaseLabel } from '../support/db.js';
import { DAY_MS, useTestEngine } from '../support/engine.js';
import { snapshotCounts } from '../support/fixtures.js';
import { scenario } from '../support/request-fixtures.js';

/**
 * The state writers (services/requests/request-writer.ts, services/lifecycle/assignment-writer.ts)
 * are the only code that moves a request or an assignment: what the domain's table forbids they
 * refuse with `state.illegal_transition` before writing anything.
 */
describe(`state writers (${databaseLabel})`, () => {
  const t = useTestEngine();

  async function assignmentState(id: number) {
    const [row] = await t.database.db.select().from(assignments).where(eq(assignments.id, id));
    return row!.state;
  }

  it('refuses to move an expired assignment to delivered, and changes nothing', async () => {
    const s = await scenario(t);
    const assignmentId = await deliveredAssignment(t.deps, s, s.requestor);
    await inTransaction(t.deps, (tx, now) => endAssignments(tx, now, SYSTEM, [assignmentId], 'expired'));
    expect(await assignmentState(assignmentId)).toBe('expired');
    const before = await snapshotCounts(t.database.db);

    const error = await inTransaction(t.deps, (tx, now) =>
      transitionAssignments(tx, now, SYSTEM, { ids: [assignmentId] }, ['expired'], 'delivered'),
    ).catch((e: unknown) => e);
    expect(isGatehouseError(error, 'state.illegal_transition')).toBe(true);
    expect((error as Error).message).toBe("This assignment is expired and can't become delivered.");
    expect(await assignmentState(assignmentId)).toBe('expired');
    expect(await snapshotCounts(t.database.db)).toEqual(before);

    // Delivery settling it again finds nothing to move either.
    await inTransaction(t.deps, (tx, now) => settleAssignment(tx, now, assignmentId));
    expect(await assignmentState(assignmentId)).toBe('expired');
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });

  it('refuses an illegal request transition and a request that moved meanwhile, writing nothing', async () => {
    const s = await scenario(t);
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const [row] = await t.database.db.select().from(requests).where(eq(requests.id, requestId));
    expect(row!.state).toBe('delivered');
    const before = await snapshotCounts(t.database.db);

    const illegal = await inTransaction(t.deps, (tx, now) =>
      moveRequest(tx, now, SYSTEM, row!, { to: 'canceled', news: { kind: 'request_canceled', note: 'x' } }),
    ).catch((e: unknown) => e);
    expect(isGatehouseError(illegal, 'state.illegal_transition')).toBe(true);

    // Read as approved, but it is delivered by now: the guarded UPDATE matches nothing.
    const stale = await inTransaction(t.deps, (tx, now) =>
      moveRequest(tx, now, SYSTEM, { ...row!, state: 'approved' }, { to: 'scheduled' }),
    ).catch((e: unknown) => e);
    expect(isGatehouseError(stale, 'state.illegal_transition')).toBe(true);
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });

  async function canceledDm(recipient: string, requestId: number) {
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, recipient), eq(outbox.kind, 'request_canceled')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({ requestId, request: `R-${requestId}` });
    const dm = renderNotification({ kind: 'request_canceled', recipient, data: rows[0]!.data });
    expect(dm.text).toContain(`(R-${requestId})`);
    return dm.text;
  }

  it('request_canceled names its request when a scheduled start finds the access already held', async () => {
    const s = await scenario(t);
    const startAt = new Date(t.clock.now().getTime() + DAY_MS);
    const { requestId, state } = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, startAt },
    );
    expect(state).toBe('scheduled');
    // Meanwhile the person got the package another way.
    await createHeldAssignment(t.deps, s, s.requestor);
    t.clock.advanceSeconds(2 * 86_400);
    await runDueWork(t.deps);

    const [row] = await t.database.db.select().from(requests).where(eq(requests.id, requestId));
    expect(row).toMatchObject({ state: 'canceled' });
    expect(await canceledDm(s.requestor, requestId)).toContain('you already had this access');
  });

  it('request_canceled names its request when an approved extension finds the access ended', async () => {
    const s = await scenario(t);
    const assignmentId = await deliveredAssignment(t.deps, s, s.requestor, { days: 10 });
    await inTransaction(t.deps, (tx, now) => endAssignments(tx, now, SYSTEM, [assignmentId], 'expired'));
    // An extension approved just as the access ended (it reached the approved state first).
    const requestId = await inTransaction(t.deps, async (tx, now) => {
      const request = await createRequest(tx, now, SYSTEM, {
        packageId: s.packageId,
        policyId: s.policyId,
        type: 'user_extend',
        state: 'approved',
        userId: s.requestor,
        assignmentId,
      });
      const proceeded = await proceedApproved(
        tx,
        now,
        SYSTEM,
        request,
        s.name,
        policySettingsSchema.parse({}),
      );
      expect(proceeded.state).toBe('canceled');
      return request.id;
    });
    expect(await canceledDm(s.requestor, requestId)).toContain('the access ended before the extension');
  });
});
