import { describe, expect, it } from 'vitest';
import { catalogRoleHolders } from '../../src/db/schema.js';
import { expireDueAssignments } from '../../src/services/lifecycle/expiry.js';
import { removeAssignment, removeMyAssignment } from '../../src/services/requests/assignments.js';
import {
  auditTrail,
  getRequest,
  myAssignments,
  myRequests,
  packageAssignments,
  packageRequests,
  requestHistory,
  requestsAwaiting,
} from '../../src/services/requests/request-queries.js';
import { decideRequest, submitRequest } from '../../src/services/requests/requests.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, DAY_SECONDS, useTestEngine } from '../support/engine.js';
import { insertUser } from '../support/fixtures.js';
import { refused, scenario } from '../support/request-fixtures.js';

const t = useTestEngine();

describe(`my access (${databaseLabel})`, () => {
  it('lists active assignments with their end and whether they can be extended now', async () => {
    const s = await scenario(t, () => ({
      expiry: { kind: 'days', days: 10 },
      extension: { allowed: true, requiresApproval: false, maxCount: 1, windowFraction: 0.5 },
    }));
    const { assignmentId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    let mine = await myAssignments(t.deps, s.requestor);
    expect(mine).toEqual([
      expect.objectContaining({
        assignmentId,
        packageName: s.name,
        state: 'delivered',
        canExtend: false,
        extendRefusal: 'too_early',
      }),
    ]);
    expect(mine[0]!.endsAt?.getTime()).toBe(t.clock.now().getTime() + 10 * DAY_SECONDS * 1000);
    t.clock.advanceSeconds(6 * DAY_SECONDS);
    mine = await myAssignments(t.deps, s.requestor);
    expect(mine[0]).toMatchObject({ canExtend: true, extendRefusal: null });
    await removeMyAssignment(t.deps, { userId: s.requestor }, { assignmentId });
    expect(await myAssignments(t.deps, s.requestor)).toEqual([]);
  });

  it('shows open requests and a history whose outcome follows the assignment', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({ expiry: { kind: 'days', days: 2 } }));
    const gated = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
    const requestor = s.requestor;
    const { requestId: delivered } = await submitRequest(
      t.deps,
      { userId: requestor },
      { packageId: s.packageId },
    );
    const other = await submitRequest(t.deps, { userId: gated.requestor }, { packageId: gated.packageId });

    expect((await myRequests(t.deps, requestor, { open: true })).map((r) => r.requestId)).toEqual([]);
    expect((await myRequests(t.deps, gated.requestor, { open: true })).map((r) => r.requestId)).toEqual([
      other.requestId,
    ]);
    let history = await requestHistory(t.deps, requestor);
    expect(history.map((r) => [r.requestId, r.outcome])).toEqual([[delivered, 'Delivered']]);

    t.clock.advanceSeconds(2 * DAY_SECONDS + 60);
    await expireDueAssignments(t.deps);
    history = await requestHistory(t.deps, requestor);
    expect(history[0]).toMatchObject({ requestId: delivered, state: 'delivered', outcome: 'Expired' });

    const again = await submitRequest(t.deps, { userId: requestor }, { packageId: s.packageId });
    await removeAssignment(t.deps, ADMIN, { assignmentId: again.assignmentId! });
    history = await requestHistory(t.deps, requestor);
    expect(history.map((r) => [r.type, r.outcome])).toEqual([
      ['admin_remove', 'Removed'],
      ['user_add', 'Removed'],
      ['user_add', 'Expired'],
    ]);
  });
});

describe(`approvals waiting (${databaseLabel})`, () => {
  it('lists requests awaiting this approver at the current stage, until decided', async () => {
    const [first, second] = [await insertUser(t.database.db), await insertUser(t.database.db)];
    const s = await scenario(t, () => ({
      questions: [{ id: 'team', text: 'Team?', kind: 'text' }],
      approvalStages: [{ approverUserIds: [first] }, { approverUserIds: [second] }],
    }));
    const { requestId } = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, answers: { team: 'Ops' } },
    );
    const waiting = await requestsAwaiting(t.deps, first);
    expect(waiting).toEqual([
      expect.objectContaining({
        requestId,
        packageName: s.name,
        requestor: s.requestor,
        stage: 1,
        stages: 2,
        reason: 'named approver',
        answers: [{ id: 'team', question: 'Team?', answer: 'Ops' }],
      }),
    ]);
    expect(await requestsAwaiting(t.deps, second)).toEqual([]);
    await decideRequest(t.deps, { userId: first }, { requestId, decision: 'approve' });
    expect(await requestsAwaiting(t.deps, first)).toEqual([]);
    expect((await requestsAwaiting(t.deps, second)).map((r) => r.requestId)).toEqual([requestId]);
  });
});

describe(`package views and request details (${databaseLabel})`, () => {
  it('shows a package’s requests and assignments to catalog readers only', async () => {
    const s = await scenario(t);
    const { requestId, assignmentId } = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId },
    );
    const reader = await insertUser(t.database.db);
    await refused(packageRequests(t.deps, { userId: reader }, s.packageId), 'auth.forbidden');
    await refused(packageAssignments(t.deps, { userId: reader }, s.packageId), 'auth.forbidden');
    await t.database.db
      .insert(catalogRoleHolders)
      .values({ catalogId: s.catalogId, userId: reader, role: 'reader', grantedBy: ADMIN.userId });
    expect(await packageRequests(t.deps, { userId: reader }, s.packageId)).toEqual([
      expect.objectContaining({ requestId, userId: s.requestor, outcome: 'Delivered', type: 'user_add' }),
    ]);
    expect(await packageAssignments(t.deps, { userId: reader }, s.packageId)).toEqual([
      expect.objectContaining({
        assignmentId,
        userId: s.requestor,
        userName: expect.any(String),
        state: 'delivered',
      }),
    ]);
  });

  it('gives a request with its approvers, decisions and answers to those involved', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({
      questions: [{ id: 'why', text: 'Why?', kind: 'text' }],
      approvalStages: [{ approverUserIds: [approver] }],
    }));
    const { requestId } = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, answers: { why: 'launch' } },
    );
    await decideRequest(t.deps, { userId: approver }, { requestId, decision: 'deny', reason: 'not now' });
    const detail = await getRequest(t.deps, { userId: s.requestor }, `R-${requestId}`);
    expect(detail).toMatchObject({
      requestId,
      state: 'denied',
      outcome: 'Denied',
      outcomeNote: 'not now',
      policyVersion: 1,
      stages: 1,
      answers: [{ id: 'why', question: 'Why?', answer: 'launch' }],
      approvers: [{ stage: 1, userId: approver, reason: 'named approver', isFallback: false }],
      decisions: [
        expect.objectContaining({ stage: 1, approverId: approver, decision: 'deny', reason: 'not now' }),
      ],
    });
    expect((await getRequest(t.deps, { userId: approver }, requestId)).requestId).toBe(requestId);
    expect((await getRequest(t.deps, ADMIN, requestId)).requestId).toBe(requestId);
    await refused(
      getRequest(t.deps, { userId: await insertUser(t.database.db) }, requestId),
      'auth.forbidden',
    );
    await refused(getRequest(t.deps, ADMIN, 'R-1'), 'request.not_found');
  });

  it('gives the audit trail of a package to readers and of a person to admins and themself', async () => {
    const s = await scenario(t);
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const byPackage = await auditTrail(t.deps, ADMIN, { packageId: s.packageId });
    expect(byPackage.map((r) => r.action)).toEqual([
      'request.delivered',
      'assignment.delivered',
      'request.delivering',
      'assignment.created',
      'request.approved',
      'request.submitted',
      // Newest first, back to the package's creation by the admin.
      'policy.created',
      'package.role_added',
      'package.created',
    ]);
    const mine = await auditTrail(t.deps, { userId: s.requestor }, { userId: s.requestor });
    expect(mine.every((r) => r.subjectUserId === s.requestor || r.actorId === s.requestor)).toBe(true);
    expect(mine.some((r) => r.requestId === requestId)).toBe(true);
    const other = await insertUser(t.database.db);
    await refused(auditTrail(t.deps, { userId: other }, { userId: s.requestor }), 'auth.forbidden');
    await refused(auditTrail(t.deps, { userId: other }, { packageId: s.packageId }), 'auth.forbidden');
  });
});
