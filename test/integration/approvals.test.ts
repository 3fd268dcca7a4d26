import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { approvalDecisions, policies, requestApprovers, usergroupMembers } from '../../src/db/schema.js';
import { isGatehouseError } from '../../src/domain/errors.js';
import { decideRequest, submitRequest } from '../../src/services/requests/requests.js';
import { databaseLabel } from '../support/db.js';
import { useTestEngine } from '../support/engine.js';
import { auditActions, insertUser, slackId, snapshotCounts } from '../support/fixtures.js';
import { countRows, refused, scenario, stored } from '../support/request-fixtures.js';

// Four connections so that concurrent decisions really race on PostgreSQL.
const t = useTestEngine({ poolSize: 4 });

const DAY_MS = 86_400_000;

async function approvers(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await insertUser(t.database.db));
  return ids;
}

describe(`one approval stage (${databaseLabel})`, () => {
  it('asks each approver, then delivers on approval and tells the others', async () => {
    const [anna, bob] = await approvers(2);
    const s = await scenario(t, () => ({
      justificationRequired: true,
      approvalStages: [{ approverUserIds: [anna!, bob!], decideWithinDays: 7 }],
    }));
    const submittedAt = t.clock.now();
    const submitted = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, justification: 'campaign work' },
    );
    expect(submitted.state).toBe('pending_approval');
    const pending = await stored.request(t.database.db, submitted.requestId);
    expect(pending.stage).toBe(1);
    expect(pending.stageDueAt?.getTime()).toBe(submittedAt.getTime() + 7 * DAY_MS);
    expect(pending.stageEscalateAt).toBeNull();
    const [card] = await stored.outbox(t.database.db, { recipient: anna, kind: 'approval_needed' });
    expect(card!.idempotencyKey).toBe(`approval_needed:${submitted.requestId}:1:${anna}`);
    expect(card!.data).toMatchObject({
      requestId: submitted.requestId,
      packageName: s.name,
      requestor: s.requestor,
      justification: 'campaign work',
      stage: 1,
      stages: 1,
      reason: 'named approver',
    });

    t.clock.advanceSeconds(3600);
    const result = await decideRequest(
      t.deps,
      { userId: anna! },
      { requestId: submitted.requestId, decision: 'approve' },
    );
    expect(result.state).toBe('delivered');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);
    expect((await stored.assignment(t.database.db, result.assignmentId!)).state).toBe('delivered');
    expect(await auditActions(t.database.db, { requestId: submitted.requestId })).toEqual([
      'request.submitted',
      'request.pending_approval',
      'request.approved',
      'assignment.created',
      'request.delivering',
      'assignment.delivered',
      'request.delivered',
    ]);
    const approved = (
      await stored.audit(t.database.db, { requestId: submitted.requestId, action: 'request.approved' })
    )[0]!;
    expect(approved.actorId).toBe(anna);
    expect(approved.data).toMatchObject({ from: 'pending_approval', stage: 1, decidedBy: anna });
    expect((await stored.outbox(t.database.db, { recipient: s.requestor })).map((o) => o.kind)).toEqual([
      'request_submitted',
      'request_approved',
      'access_delivered',
    ]);
    const told = await stored.outbox(t.database.db, { recipient: bob, kind: 'request_approved' });
    expect(told).toHaveLength(1);
    expect(told[0]!.data).toMatchObject({ forApprover: true, decidedBy: anna });
    expect(await stored.outbox(t.database.db, { recipient: anna, kind: 'request_approved' })).toHaveLength(0);
  });

  it('denies with a reason; the requestor hears the reason and nothing is granted', async () => {
    const [anna, bob] = await approvers(2);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [anna!, bob!] }] }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const noReason = await refused(
      decideRequest(t.deps, { userId: bob! }, { requestId, decision: 'deny' }),
      'request.reason_required',
    );
    expect(noReason.message).toBe(`Say why you deny R-${requestId}: the requestor will see your reason.`);
    const result = await decideRequest(
      t.deps,
      { userId: bob! },
      { requestId, decision: 'deny', reason: 'Not on the team' },
    );
    expect(result.state).toBe('denied');
    expect(await stored.request(t.database.db, requestId)).toMatchObject({
      state: 'denied',
      stage: 0,
      outcomeNote: 'Not on the team',
      assignmentId: null,
    });
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);
    const [denied] = await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'request_denied' });
    expect(denied!.data).toMatchObject({ reason: 'Not on the team', decidedBy: bob });
    expect(
      (await stored.outbox(t.database.db, { recipient: anna, kind: 'request_denied' }))[0]!.data,
    ).toMatchObject({
      forApprover: true,
    });
  });

  it('asks approvers for a reason when the stage requires one', async () => {
    const [anna] = await approvers(1);
    const s = await scenario(t, () => ({
      approvalStages: [{ approverUserIds: [anna!], justificationRequired: true }],
    }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    await refused(
      decideRequest(t.deps, { userId: anna! }, { requestId, decision: 'approve' }),
      'request.reason_required',
    );
    const result = await decideRequest(
      t.deps,
      { userId: anna! },
      { requestId, decision: 'approve', reason: 'ok' },
    );
    expect(result.state).toBe('delivered');
  });

  it('refuses self-approval and non-approvers, and a second decision naming who decided', async () => {
    const [anna, bob] = await approvers(2);
    const group = slackId('S');
    const s = await scenario(t, () => ({
      approvalStages: [{ approverUserIds: [anna!, bob!], approverUsergroupIds: [group] }],
    }));
    await t.database.db.insert(usergroupMembers).values({ usergroupId: group, userId: s.requestor });
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const listed = await t.database.db
      .select()
      .from(requestApprovers)
      .where(eq(requestApprovers.requestId, requestId));
    expect(listed.map((a) => a.userId).sort()).toEqual([anna, bob].sort());

    const self = await refused(
      decideRequest(t.deps, { userId: s.requestor }, { requestId, decision: 'approve' }),
      'request.self_approval',
    );
    expect(self.message).toBe(`You can't approve or deny your own request (R-${requestId}).`);
    const stranger = await insertUser(t.database.db);
    const notApprover = await refused(
      decideRequest(t.deps, { userId: stranger }, { requestId, decision: 'approve' }),
      'request.not_approver',
    );
    expect(notApprover.message).toBe(`You aren't an approver of R-${requestId}, so you can't decide it.`);

    const decidedAt = t.clock.now();
    await decideRequest(t.deps, { userId: anna! }, { requestId, decision: 'approve' });
    const second = await refused(
      decideRequest(t.deps, { userId: bob! }, { requestId, decision: 'deny', reason: 'no' }),
      'request.already_decided',
    );
    const at = `${decidedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    // Plain text: the Slack layer shows the person named in its parts as a mention.
    expect(second.message).toBe(`R-${requestId} was already approved by @${anna} on ${at}.`);
    expect(second.parts).toContainEqual({ person: anna });
    expect(second.details).toMatchObject({ decidedBy: anna, decision: 'approve' });
  });

  it('invariant 2: two approvers deciding the same request concurrently → exactly one decision, one audit row, one set of notifications', async () => {
    const [anna, bob] = await approvers(2);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [anna!, bob!] }] }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const outcomes = await Promise.allSettled([
      decideRequest(t.deps, { userId: anna! }, { requestId, decision: 'approve' }),
      decideRequest(t.deps, { userId: bob! }, { requestId, decision: 'deny', reason: 'No' }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(isGatehouseError((lost[0] as PromiseRejectedResult).reason, 'request.already_decided')).toBe(true);

    const decisions = await t.database.db
      .select()
      .from(approvalDecisions)
      .where(eq(approvalDecisions.requestId, requestId));
    expect(decisions).toHaveLength(1);
    const decided = await stored.audit(t.database.db, { requestId });
    const decisionRows = decided.filter(
      (r) => r.action === 'request.approved' || r.action === 'request.denied',
    );
    expect(decisionRows).toHaveLength(1);
    const kinds = ['request_approved', 'request_denied'];
    const toRequestor = (await stored.outbox(t.database.db, { recipient: s.requestor })).filter((o) =>
      kinds.includes(o.kind),
    );
    expect(toRequestor).toHaveLength(1);
    const toApprovers = [
      ...(await stored.outbox(t.database.db, { recipient: anna })),
      ...(await stored.outbox(t.database.db, { recipient: bob })),
    ].filter((o) => kinds.includes(o.kind));
    expect(toApprovers).toHaveLength(1);
    expect(toApprovers[0]!.recipient).not.toBe(decisions[0]!.approverId);
  });

  it('invariant 1: a refused decision writes nothing', async () => {
    const [anna] = await approvers(1);
    const s = await scenario(t, () => ({
      approvalStages: [{ approverUserIds: [anna!], justificationRequired: true }],
    }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const before = await snapshotCounts(t.database.db);
    await refused(
      decideRequest(t.deps, { userId: s.requestor }, { requestId, decision: 'approve' }),
      'request.self_approval',
    );
    await refused(
      decideRequest(t.deps, { userId: await insertUser(t.database.db) }, { requestId, decision: 'approve' }),
      'request.not_approver',
    );
    await refused(
      decideRequest(t.deps, { userId: anna! }, { requestId, decision: 'approve' }),
      'request.reason_required',
    );
    await refused(
      decideRequest(t.deps, { userId: anna! }, { requestId: 'R-1', decision: 'approve' }),
      'request.not_found',
    );
    await refused(
      decideRequest(t.deps, { userId: anna! }, { requestId, decision: 'maybe' }),
      'input.invalid',
    );
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });
});

describe(`several approval stages (${databaseLabel})`, () => {
  it('walks two stages: stage 2 approvers are asked only after stage 1 approves', async () => {
    const [first, second] = await approvers(2);
    const s = await scenario(t, () => ({
      approvalStages: [{ approverUserIds: [first!] }, { approverUserIds: [second!] }],
    }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    expect(await stored.outbox(t.database.db, { recipient: second, kind: 'approval_needed' })).toHaveLength(
      0,
    );
    await refused(
      decideRequest(t.deps, { userId: second! }, { requestId, decision: 'approve' }),
      'request.not_approver',
    );

    const step = await decideRequest(
      t.deps,
      { userId: first! },
      { requestId, decision: 'approve', stage: 1 },
    );
    expect(step.state).toBe('pending_approval');
    expect((await stored.request(t.database.db, requestId)).stage).toBe(2);
    const [card] = await stored.outbox(t.database.db, { recipient: second, kind: 'approval_needed' });
    expect(card!.data).toMatchObject({ stage: 2, stages: 2 });
    expect(
      (await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'request_stage_approved' }))[0]!
        .data,
    ).toMatchObject({ stage: 1, nextStage: 2 });
    const moved = (await stored.audit(t.database.db, { requestId, action: 'request.pending_approval' }))[1]!;
    expect(moved.data).toMatchObject({ from: 'pending_approval', stage: 2, approvedStage: 1 });

    // The stage-1 approver's card is stale now.
    const stale = await refused(
      decideRequest(t.deps, { userId: first! }, { requestId, decision: 'approve', stage: 1 }),
      'request.already_decided',
    );
    expect(stale.message).toContain(`by @${first}`);
    expect(stale.message).toContain('at stage 1');

    const done = await decideRequest(
      t.deps,
      { userId: second! },
      { requestId, decision: 'approve', stage: 2 },
    );
    expect(done.state).toBe('delivered');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);
  });

  it('walks three stages, and a deny at stage 2 ends the request', async () => {
    const [a, b, c] = await approvers(3);
    const stages = {
      approvalStages: [{ approverUserIds: [a!] }, { approverUserIds: [b!] }, { approverUserIds: [c!] }],
    };
    const s = await scenario(t, () => stages);
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    await decideRequest(t.deps, { userId: a! }, { requestId, decision: 'approve' });
    await decideRequest(t.deps, { userId: b! }, { requestId, decision: 'approve' });
    expect((await stored.request(t.database.db, requestId)).stage).toBe(3);
    const done = await decideRequest(t.deps, { userId: c! }, { requestId, decision: 'approve' });
    expect(done.state).toBe('delivered');

    const other = await scenario(t, () => stages);
    const denied = await submitRequest(t.deps, { userId: other.requestor }, { packageId: other.packageId });
    await decideRequest(t.deps, { userId: a! }, { requestId: denied.requestId, decision: 'approve' });
    const result = await decideRequest(
      t.deps,
      { userId: b! },
      { requestId: denied.requestId, decision: 'deny', reason: 'Budget' },
    );
    expect(result.state).toBe('denied');
    expect(
      await countRows(t.database.db, 'request_approvers', `request_id = ${denied.requestId} and stage = 3`),
    ).toBe(0);
    expect(await stored.outbox(t.database.db, { recipient: c, requestId: denied.requestId })).toHaveLength(0);
    await refused(
      decideRequest(t.deps, { userId: c! }, { requestId: denied.requestId, decision: 'approve' }),
      'request.already_decided',
    );
  });
});

describe(`requestor who is an approver (${databaseLabel})`, () => {
  it('is skipped and the fallback approvers decide', async () => {
    const [fallback] = await approvers(1);
    const s = await scenario(t, (me) => ({
      approvalStages: [{ approverUserIds: [me], fallbackUserIds: [fallback!], escalateAfterDays: 2 }],
    }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const rows = await t.database.db
      .select()
      .from(requestApprovers)
      .where(eq(requestApprovers.requestId, requestId));
    expect(rows).toEqual([
      expect.objectContaining({ userId: fallback, isFallback: true, reason: 'fallback approver' }),
    ]);
    // Already with the fallbacks: nothing left to escalate to.
    expect((await stored.request(t.database.db, requestId)).stageEscalateAt).toBeNull();
    const submitted = (
      await stored.audit(t.database.db, { requestId, action: 'request.pending_approval' })
    )[0]!;
    expect(submitted.data).toMatchObject({ requestorSkipped: true, approvers: [fallback] });
    await refused(
      decideRequest(t.deps, { userId: s.requestor }, { requestId, decision: 'approve' }),
      'request.self_approval',
    );
    expect(
      (await decideRequest(t.deps, { userId: fallback! }, { requestId, decision: 'approve' })).state,
    ).toBe('delivered');
  });
});

describe(`policy snapshot (${databaseLabel})`, () => {
  it('a policy edited after submit does not change the submitted request', async () => {
    const [anna] = await approvers(1);
    const s = await scenario(t, () => ({
      approvalStages: [{ approverUserIds: [anna!] }],
      expiry: { kind: 'days', days: 30 },
    }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    await t.database.db
      .update(policies)
      .set({
        version: 2,
        approvalStages: [
          {
            approverUserIds: [await insertUser(t.database.db)],
            approverUsergroupIds: [],
            fallbackUserIds: [],
            fallbackUsergroupIds: [],
            decideWithinDays: 14,
            escalateAfterDays: null,
            justificationRequired: true,
          },
        ],
        expiry: { kind: 'days', days: 5 },
        requestsEnabled: false,
      })
      .where(eq(policies.id, s.policyId));
    const request = await stored.request(t.database.db, requestId);
    expect(request.policyVersion).toBe(1);
    expect(request.policySnapshot?.expiry).toEqual({ kind: 'days', days: 30 });

    const decidedAt = t.clock.now();
    const result = await decideRequest(t.deps, { userId: anna! }, { requestId, decision: 'approve' });
    expect(result.state).toBe('delivered');
    const assignment = await stored.assignment(t.database.db, result.assignmentId!);
    expect(assignment.endsAt?.getTime()).toBe(decidedAt.getTime() + 30 * DAY_MS);
  });
});
