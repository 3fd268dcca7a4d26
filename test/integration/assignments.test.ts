import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { catalogRoleHolders, expiryReminders, packageIncompatibilities } from '../../src/db/schema.js';
import {
  assignDirect,
  extendAssignment,
  removeAssignment,
  removeMyAssignment,
} from '../../src/services/requests/assignments.js';
import { decideRequest, submitRequest } from '../../src/services/requests/requests.js';
import { makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, DAY_MS, useTestEngine } from '../support/engine.js';
import { auditActions, insertUser, outboxFor, snapshotCounts } from '../support/fixtures.js';
import { refused, scenario, stored } from '../support/request-fixtures.js';

const t = useTestEngine();

describe(`assignDirect (${databaseLabel})`, () => {
  it('assigns and delivers at once, recorded as an admin_add request', async () => {
    const s = await scenario(t);
    const now = t.clock.now();
    const result = await assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId });
    expect(result.state).toBe('delivered');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);
    const request = await stored.request(t.database.db, result.requestId);
    expect(request).toMatchObject({
      type: 'admin_add',
      requestedBy: ADMIN.userId,
      userId: s.requestor,
      policyId: s.policyId,
    });
    expect(await auditActions(t.database.db, { requestId: result.requestId })).toEqual([
      'request.approved',
      'assignment.created',
      'request.delivering',
      'assignment.delivered',
      'request.delivered',
    ]);
    expect((await stored.assignment(t.database.db, result.assignmentId!)).endsAt?.getTime()).toBe(
      now.getTime() + 30 * DAY_MS,
    );
  });

  it('takes an end date, and refuses one in the past', async () => {
    const s = await scenario(t);
    const endAt = new Date(t.clock.now().getTime() + 3 * DAY_MS);
    const result = await assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId, endAt });
    expect((await stored.assignment(t.database.db, result.assignmentId!)).endsAt?.getTime()).toBe(
      endAt.getTime(),
    );
    const other = await insertUser(t.database.db);
    await refused(
      assignDirect(t.deps, ADMIN, {
        userId: other,
        packageId: s.packageId,
        endAt: new Date(t.clock.now().getTime() - 1000),
      }),
      'policy.timeline_invalid',
    );
  });

  it('needs assignment.manage on the package catalog', async () => {
    const s = await scenario(t);
    const manager = await insertUser(t.database.db);
    const before = await snapshotCounts(t.database.db);
    const error = await refused(
      assignDirect(t.deps, { userId: manager }, { userId: s.requestor, packageId: s.packageId }),
      'auth.forbidden',
    );
    expect(error.message).toContain('General');
    expect(await snapshotCounts(t.database.db)).toEqual({
      ...before,
      audit_refusals: before.audit_refusals! + 1,
    });
    await t.database.db.insert(catalogRoleHolders).values({
      catalogId: s.catalogId,
      userId: manager,
      role: 'assignment_manager',
      grantedBy: ADMIN.userId,
    });
    const result = await assignDirect(
      t.deps,
      { userId: manager },
      { userId: s.requestor, packageId: s.packageId },
    );
    expect(result.state).toBe('delivered');
  });

  it('refuses someone who already has it, and an incompatible package, naming the conflict', async () => {
    const s = await scenario(t);
    await assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId });
    const again = await refused(
      assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId }),
      'request.already_assigned',
    );
    expect(again.message).toMatch(
      new RegExp(`^@${s.requestor} already has ${s.name}, until \\d{4}-\\d{2}-\\d{2}\\.$`),
    );
    const other = await makePackage(t.deps);
    await t.database.db
      .insert(packageIncompatibilities)
      .values({ packageId: s.packageId, otherPackageId: other.packageId, createdBy: ADMIN.userId });
    const conflict = await refused(
      assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: other.packageId }),
      'package.incompatible',
    );
    expect(conflict.message).toBe(
      `${other.name} can't be combined with ${s.name}, and @${s.requestor} has ${s.name}. Remove ${s.name} first, or ask an admin.`,
    );
  });

  it('refuses an unknown or deactivated user', async () => {
    const s = await scenario(t);
    await refused(
      assignDirect(t.deps, ADMIN, { userId: 'UNOBODY01', packageId: s.packageId }),
      'user.not_found',
    );
    const gone = await insertUser(t.database.db, { deactivated: true });
    await refused(assignDirect(t.deps, ADMIN, { userId: gone, packageId: s.packageId }), 'user.deactivated');
  });
});

describe(`removing assignments (${databaseLabel})`, () => {
  it('an admin removes an assignment by id: revoked, recorded, and the holder told', async () => {
    const s = await scenario(t);
    const { assignmentId } = await assignDirect(t.deps, ADMIN, {
      userId: s.requestor,
      packageId: s.packageId,
    });
    const result = await removeAssignment(t.deps, ADMIN, { assignmentId }, 'left the project');
    expect(result.assignmentId).toBe(assignmentId);
    expect(result.delivery?.delivered).toBe(1);
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);
    const assignment = await stored.assignment(t.database.db, assignmentId!);
    expect(assignment).toMatchObject({
      state: 'removed',
      endReason: 'removed_by_admin',
      endedBy: ADMIN.userId,
    });
    expect(await stored.request(t.database.db, result.requestId)).toMatchObject({
      type: 'admin_remove',
      state: 'delivered',
      assignmentId,
      justification: 'left the project',
    });
    const ended = (
      await stored.audit(t.database.db, { assignmentId: assignmentId!, action: 'assignment.removed' })
    )[0]!;
    expect(ended.data).toMatchObject({ reason: 'removed_by_admin', note: 'left the project' });
    expect(
      (await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'access_ended' }))[0]!.data,
    ).toMatchObject({
      assignmentId,
      reason: 'removed_by_admin',
    });
    await refused(removeAssignment(t.deps, ADMIN, { assignmentId }), 'assignment.not_found');
  });

  it('an admin removes by user and package; a stranger may not', async () => {
    const s = await scenario(t);
    await assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId });
    const stranger = await insertUser(t.database.db);
    await refused(
      removeAssignment(t.deps, { userId: stranger }, { userId: s.requestor, packageId: s.packageId }),
      'auth.forbidden',
    );
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);
    await removeAssignment(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId });
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);
    const missing = await refused(
      removeAssignment(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId }),
      'assignment.not_found',
    );
    expect(missing.message).toBe(`@${s.requestor} doesn't have ${s.name}.`);
    expect(missing.parts).toContainEqual({ person: s.requestor });
  });

  it('the holder removes their own assignment (user_remove)', async () => {
    const s = await scenario(t);
    const { assignmentId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const other = await insertUser(t.database.db);
    await refused(removeMyAssignment(t.deps, { userId: other }, { assignmentId }), 'assignment.not_found');
    const result = await removeMyAssignment(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    expect((await stored.request(t.database.db, result.requestId)).type).toBe('user_remove');
    expect((await stored.assignment(t.database.db, assignmentId!)).endReason).toBe('removed_by_user');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);
  });
});

describe(`extendAssignment (${databaseLabel})`, () => {
  const extendable = (requiresApproval: boolean, approver?: string) => () => ({
    expiry: { kind: 'days' as const, days: 10 },
    extension: { allowed: true, requiresApproval, maxCount: 1, windowFraction: 0.5 },
    ...(approver ? { approvalStages: [{ approverUserIds: [approver] }] } : {}),
  });

  it('extends the same assignment at once when no approval is needed; too early and max reached are refused', async () => {
    const s = await scenario(t, extendable(false));
    const { assignmentId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const before = await stored.assignment(t.database.db, assignmentId!);

    const early = await refused(
      extendAssignment(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'assignment.extension_not_allowed',
    );
    const opens = new Date(before.startsAt.getTime() + 5 * DAY_MS).toISOString().slice(0, 10);
    expect(early.message).toBe(`It's too early to extend ${s.name}: you can ask from ${opens} on.`);

    t.clock.advanceSeconds(5.5 * 86_400);
    const result = await extendAssignment(t.deps, { userId: s.requestor }, { assignmentId });
    expect(result).toMatchObject({ assignmentId, extended: true, extensionCount: 1 });
    const after = await stored.assignment(t.database.db, assignmentId!);
    expect(after.id).toBe(before.id);
    expect(after.extensionCount).toBe(1);
    expect(after.endsAt?.getTime()).toBe(before.endsAt!.getTime() + 10 * DAY_MS);
    const reminders = await t.database.db
      .select()
      .from(expiryReminders)
      .where(eq(expiryReminders.assignmentId, assignmentId!));
    expect(reminders.map((r) => r.dueAt.getTime()).sort()).toEqual(
      [after.endsAt!.getTime() - 14 * DAY_MS, after.endsAt!.getTime() - DAY_MS].sort(),
    );
    expect(
      (await stored.audit(t.database.db, { assignmentId: assignmentId!, action: 'assignment.extended' }))[0]!
        .data,
    ).toMatchObject({
      from: before.endsAt!.toISOString(),
      to: after.endsAt!.toISOString(),
      extensionCount: 1,
    });
    expect((await outboxFor(t.database.db, s.requestor)).map((o) => o.kind)).toContain('access_extended');

    t.clock.advanceSeconds(8 * 86_400);
    const max = await refused(
      extendAssignment(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'assignment.extension_not_allowed',
    );
    expect(max.message).toBe(
      `You have already extended ${s.name} once, the most its policy allows. Ask an admin.`,
    );
  });

  it('refuses when the policy does not allow extensions, and for access one does not hold', async () => {
    const s = await scenario(t);
    await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const before = await snapshotCounts(t.database.db);
    const error = await refused(
      extendAssignment(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'assignment.extension_not_allowed',
    );
    expect(error.message).toContain("its policy doesn't allow extensions");
    await refused(
      extendAssignment(t.deps, { userId: await insertUser(t.database.db) }, { packageId: s.packageId }),
      'assignment.not_found',
    );
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });

  it('sends an extension through approval and applies it to the same assignment on approval', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, extendable(true, approver));
    const submitted = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const first = await decideRequest(
      t.deps,
      { userId: approver },
      { requestId: submitted.requestId, decision: 'approve' },
    );
    const assignmentId = first.assignmentId!;
    const before = await stored.assignment(t.database.db, assignmentId);

    t.clock.advanceSeconds(6 * 86_400);
    const asked = await extendAssignment(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    expect(asked).toMatchObject({ assignmentId, extended: false, state: 'pending_approval' });
    expect((await stored.assignment(t.database.db, assignmentId)).endsAt?.getTime()).toBe(
      before.endsAt!.getTime(),
    );
    const extendRequest = await stored.request(t.database.db, asked.requestId!);
    expect(extendRequest).toMatchObject({ type: 'user_extend', assignmentId, state: 'pending_approval' });
    await refused(
      extendAssignment(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'request.already_open',
    );
    const [card] = await stored.outbox(t.database.db, {
      recipient: approver,
      requestId: asked.requestId!,
      kind: 'approval_needed',
    });
    expect(card!.data).toMatchObject({ type: 'user_extend' });

    const approved = await decideRequest(
      t.deps,
      { userId: approver },
      { requestId: asked.requestId!, decision: 'approve' },
    );
    expect(approved).toMatchObject({ state: 'delivered', assignmentId });
    const after = await stored.assignment(t.database.db, assignmentId);
    expect(after.extensionCount).toBe(1);
    expect(after.endsAt?.getTime()).toBe(before.endsAt!.getTime() + 10 * DAY_MS);
    expect(await auditActions(t.database.db, { requestId: asked.requestId! })).toEqual([
      'request.submitted',
      'request.pending_approval',
      'request.approved',
      'assignment.extended',
      'request.delivering',
      'request.delivered',
    ]);
  });

  it('cancels a pending extension when the access is removed', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, extendable(true, approver));
    const { assignmentId } = await assignDirect(t.deps, ADMIN, {
      userId: s.requestor,
      packageId: s.packageId,
    });
    t.clock.advanceSeconds(6 * 86_400);
    const asked = await extendAssignment(t.deps, { userId: s.requestor }, { assignmentId });
    await removeAssignment(t.deps, ADMIN, { assignmentId });
    expect((await stored.request(t.database.db, asked.requestId!)).state).toBe('canceled');
  });
});
