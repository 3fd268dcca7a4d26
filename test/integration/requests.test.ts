import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  accessPackages,
  expiryReminders,
  packageIncompatibilities,
  packageResourceRoles,
  policies,
  usergroupMembers,
} from '../../src/db/schema.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import {
  cancelRequest,
  decideRequest,
  recordRefusal,
  submitRequest,
} from '../../src/services/requests/requests.js';
import { makePackage, makePolicy } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, DAY_MS, useTestEngine } from '../support/engine.js';
import { auditActions, insertUser, outboxFor, slackId, snapshotCounts } from '../support/fixtures.js';
import { refused, scenario, stored } from '../support/request-fixtures.js';

const t = useTestEngine();

describe(`submitRequest (${databaseLabel})`, () => {
  it('delivers a request that needs no approval, as in the tutorial', async () => {
    const s = await scenario(t);
    const now = t.clock.now();
    const result = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, justification: "I'm working on the new marketing campaign" },
    );
    expect(result.state).toBe('delivered');
    expect(result.request).toBe(`R-${result.requestId}`);
    expect(result.delivery?.delivered).toBe(1);
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);

    const request = await stored.request(t.database.db, result.requestId);
    expect(request).toMatchObject({
      state: 'delivered',
      type: 'user_add',
      policyId: s.policyId,
      policyVersion: 1,
    });
    expect(request.closedAt).not.toBeNull();
    const assignment = await stored.assignment(t.database.db, result.assignmentId!);
    expect(assignment.state).toBe('delivered');
    expect(assignment.endsAt?.getTime()).toBe(now.getTime() + 30 * DAY_MS);
    expect(await auditActions(t.database.db, { requestId: result.requestId })).toEqual([
      'request.submitted',
      'request.approved',
      'assignment.created',
      'request.delivering',
      'assignment.delivered',
      'request.delivered',
    ]);
    const transitions = await stored.audit(t.database.db, {
      requestId: result.requestId,
      action: 'request.approved',
    });
    expect(transitions[0]!.data.from).toBe('submitted');
    expect((await outboxFor(t.database.db, s.requestor)).map((o) => o.kind)).toEqual([
      'request_submitted',
      'access_delivered',
    ]);
    const reminders = await t.database.db
      .select()
      .from(expiryReminders)
      .where(eq(expiryReminders.assignmentId, assignment.id));
    expect(reminders.map((r) => r.offsetHours).sort((a, b) => a - b)).toEqual([24, 336]);
  });

  it('reports a failed delivery: the request is delivery_failed and the person is told', async () => {
    const s = await scenario(t);
    t.connector.failNext(1, { match: (target) => target.userId === s.requestor });
    const result = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    expect(result.state).toBe('delivery_failed');
    expect(result.delivery).toMatchObject({ claimed: 1, failed: 1 });
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);
    expect((await stored.assignment(t.database.db, result.assignmentId!)).state).toBe('delivery_failed');
    expect((await outboxFor(t.database.db, s.requestor)).map((o) => o.kind)).toContain('delivery_failed');
  });

  it('keeps a requested end date and stores the answers', async () => {
    const s = await scenario(t, () => ({
      questions: [{ id: 'team', text: 'Team?', kind: 'choice', choices: ['Sales', 'Ops'] }],
    }));
    const endAt = new Date(t.clock.now().getTime() + 10 * DAY_MS);
    const result = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, endAt: endAt.toISOString(), answers: { team: 'Ops' } },
    );
    const request = await stored.request(t.database.db, result.requestId);
    expect(request.answers).toEqual({ team: 'Ops' });
    expect((await stored.assignment(t.database.db, result.assignmentId!)).endsAt?.getTime()).toBe(
      endAt.getTime(),
    );
  });

  it('schedules a request with a future start without creating an assignment', async () => {
    const s = await scenario(t);
    const startAt = new Date(t.clock.now().getTime() + 3 * DAY_MS);
    const result = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId, startAt });
    expect(result.state).toBe('scheduled');
    expect(result.assignmentId).toBeUndefined();
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);
    expect(await auditActions(t.database.db, { requestId: result.requestId })).toEqual([
      'request.submitted',
      'request.approved',
      'request.scheduled',
    ]);
    expect((await stored.outbox(t.database.db, { recipient: s.requestor })).map((o) => o.kind)).toEqual([
      'request_submitted',
      'request_scheduled',
    ]);
  });

  it('lets a hidden package be requested by id', async () => {
    const s = await scenario(t);
    await t.database.db
      .update(accessPackages)
      .set({ hidden: true })
      .where(eq(accessPackages.id, s.packageId));
    const result = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    expect(result.state).toBe('delivered');
  });

  it('delivers at once a package with no resource roles', async () => {
    const s = await scenario(t);
    await t.database.db.delete(packageResourceRoles).where(eq(packageResourceRoles.packageId, s.packageId));
    const result = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    expect(result.state).toBe('delivered');
    expect((await stored.assignment(t.database.db, result.assignmentId!)).state).toBe('delivered');
    expect((await outboxFor(t.database.db, s.requestor)).map((o) => o.kind)).toContain('access_delivered');
  });

  it('defaults to the highest-priority policy the user may request under, and honours a chosen one', async () => {
    const s = await scenario(t, () => ({ expiry: { kind: 'days', days: 30 } }));
    const { id: second } = await makePolicy(
      t.deps,
      s.packageId,
      {
        name: 'Short',
        requestorScope: 'specific',
        requestorUserIds: [s.requestor],
        justificationRequired: false,
        expiry: { kind: 'days', days: 2 },
      },
      { priority: 2 },
    );
    const chosen = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, policyId: second },
    );
    expect((await stored.request(t.database.db, chosen.requestId)).policyId).toBe(second);

    const other = await insertUser(t.database.db);
    const pkg = await makePackage(t.deps, {
      policy: {
        name: 'Closed to them',
        requestorScope: 'specific',
        requestorUserIds: [],
        justificationRequired: false,
      },
    });
    const { id: open } = await makePolicy(
      t.deps,
      pkg.packageId,
      { name: 'Open', requestorScope: 'specific', requestorUserIds: [other], justificationRequired: false },
      { priority: 2 },
    );
    const result = await submitRequest(t.deps, { userId: other }, { packageId: pkg.packageId });
    expect((await stored.request(t.database.db, result.requestId)).policyId).toBe(open);
    const error = await refused(
      submitRequest(
        t.deps,
        { userId: await insertUser(t.database.db) },
        { packageId: pkg.packageId, policyId: open },
      ),
      'policy.not_eligible',
    );
    expect(error.message).toBe(
      `You can't request ${pkg.name}: it is only for specific people. Ask an admin.`,
    );
  });

  it('lets members of an eligible user group request', async () => {
    const group = slackId('S');
    const member = await insertUser(t.database.db);
    await t.database.db.insert(usergroupMembers).values({ usergroupId: group, userId: member });
    const pkg = await makePackage(t.deps, {
      policy: { requestorScope: 'specific', requestorUsergroupIds: [group], justificationRequired: false },
    });
    expect((await submitRequest(t.deps, { userId: member }, { packageId: pkg.packageId })).state).toBe(
      'delivered',
    );
  });
});

describe(`submitRequest refusals (${databaseLabel})`, () => {
  it('refuses unknown and deactivated users, and missing or deleted packages', async () => {
    const s = await scenario(t);
    await refused(
      submitRequest(t.deps, { userId: slackId('U') }, { packageId: s.packageId }),
      'user.not_found',
    );
    const gone = await insertUser(t.database.db, { deactivated: true });
    await refused(submitRequest(t.deps, { userId: gone }, { packageId: s.packageId }), 'user.deactivated');
    await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: 999_999 }),
      'package.not_found',
    );
    await t.database.db
      .update(accessPackages)
      .set({ deletedAt: t.clock.now() })
      .where(eq(accessPackages.id, s.packageId));
    await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'package.not_found',
    );
    await refused(submitRequest(t.deps, { userId: s.requestor }, { packageId: 'abc' }), 'input.invalid');
  });

  it('explains why someone may not request', async () => {
    const s = await scenario(t);
    const stranger = await insertUser(t.database.db);
    const notInScope = await refused(
      submitRequest(t.deps, { userId: stranger }, { packageId: s.packageId }),
      'policy.not_eligible',
    );
    expect(notInScope.message).toBe(
      `You can't request ${s.name}: it is only for specific people. Ask an admin.`,
    );

    const everyone = await makePackage(t.deps, { policy: { requestorScope: 'all_members' } });
    const guest = await insertUser(t.database.db, { kind: 'guest' });
    const guestError = await refused(
      submitRequest(t.deps, { userId: guest }, { packageId: everyone.packageId }),
      'policy.not_eligible',
    );
    expect(guestError.message).toContain('only for members of this workspace');
    const external = await insertUser(t.database.db, { isExternal: true });
    await refused(
      submitRequest(t.deps, { userId: external }, { packageId: everyone.packageId }),
      'policy.not_eligible',
    );

    const closed = await scenario(t, () => ({ requestsEnabled: false }));
    const disabled = await refused(
      submitRequest(t.deps, { userId: closed.requestor }, { packageId: closed.packageId }),
      'policy.requests_disabled',
    );
    expect(disabled.message).toBe(`${closed.name} isn't taking requests right now. Ask an admin.`);

    const adminOnly = await makePackage(t.deps, { policy: { requestorScope: 'none' } });
    const onlyAdmins = await refused(
      submitRequest(t.deps, { userId: stranger }, { packageId: adminOnly.packageId }),
      'policy.not_eligible',
    );
    expect(onlyAdmins.message).toContain('only an admin can assign it');
  });

  it('refuses a second request while one is open, and while the access is held', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
    const first = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const open = await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'request.already_open',
    );
    expect(open.message).toBe(`You already asked for ${s.name}: R-${first.requestId} is pending approval.`);
    await decideRequest(t.deps, { userId: approver }, { requestId: first.requestId, decision: 'approve' });
    const held = await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'request.already_assigned',
    );
    const endsAt = new Date(t.clock.now().getTime() + 30 * DAY_MS).toISOString().slice(0, 10);
    expect(held.message).toBe(`You already have ${s.name}, until ${endsAt}.`);
  });

  it('separation of duties: refuses a package incompatible with one held, in both directions', async () => {
    const s = await scenario(t);
    const other = await makePackage(t.deps, {
      name: `Auditors ${s.packageId}`,
      policy: { requestorScope: 'specific', requestorUserIds: [s.requestor], justificationRequired: false },
    });
    await t.database.db
      .insert(packageIncompatibilities)
      .values({ packageId: s.packageId, otherPackageId: other.packageId, createdBy: ADMIN.userId });
    await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const error = await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: other.packageId }),
      'package.incompatible',
    );
    expect(error.message).toContain(s.name);
    expect(error.details.conflictingPackage).toBe(s.name);

    // The other direction: hold the higher-id package, ask for the lower-id one.
    const holder = await insertUser(t.database.db);
    await t.database.db
      .update(policies)
      .set({ requestorUserIds: [s.requestor, holder] })
      .where(eq(policies.packageId, s.packageId));
    await t.database.db
      .update(policies)
      .set({ requestorUserIds: [s.requestor, holder] })
      .where(eq(policies.packageId, other.packageId));
    await submitRequest(t.deps, { userId: holder }, { packageId: other.packageId });
    const reverse = await refused(
      submitRequest(t.deps, { userId: holder }, { packageId: s.packageId }),
      'package.incompatible',
    );
    expect(reverse.message).toContain(other.name);
  });

  it('separation of duties: refuses while a request for the incompatible package is open', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
    const other = await makePackage(t.deps, {
      policy: { requestorScope: 'specific', requestorUserIds: [s.requestor], justificationRequired: false },
    });
    await t.database.db
      .insert(packageIncompatibilities)
      .values({ packageId: s.packageId, otherPackageId: other.packageId, createdBy: ADMIN.userId });
    const pending = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const error = await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: other.packageId }),
      'package.incompatible',
    );
    expect(error.message).toContain(`R-${pending.requestId}`);
    expect(error.message).toContain(s.name);
  });

  it('needs a justification when the policy says so, within 2000 characters', async () => {
    const s = await scenario(t, () => ({ justificationRequired: true }));
    const error = await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId, justification: '   ' }),
      'policy.justification_required',
    );
    expect(error.message).toBe(`Say why you need ${s.name}: a business justification is required.`);
    await refused(
      submitRequest(
        t.deps,
        { userId: s.requestor },
        { packageId: s.packageId, justification: 'x'.repeat(2001) },
      ),
      'input.invalid',
    );
  });

  it('refuses invalid answers naming each question', async () => {
    const s = await scenario(t, () => ({
      questions: [
        { id: 'team', text: 'Team?', kind: 'choice', choices: ['Sales', 'Ops'] },
        { id: 'ticket', text: 'Ticket?', kind: 'text', regex: '[A-Z]+-[0-9]+' },
      ],
    }));
    const error = await refused(
      submitRequest(
        t.deps,
        { userId: s.requestor },
        { packageId: s.packageId, answers: { team: 'Legal', ticket: 'x' } },
      ),
      'policy.answer_invalid',
    );
    expect(error.details.fields).toEqual({
      team: 'Pick one of: Sales, Ops.',
      ticket: "This answer isn't in the expected format.",
    });
  });

  it('checks a custom timeline against the policy', async () => {
    const now = t.clock.now().getTime();
    const fixed = await scenario(t, () => ({ customTimeline: false }));
    const off = await refused(
      submitRequest(
        t.deps,
        { userId: fixed.requestor },
        { packageId: fixed.packageId, endAt: new Date(now + DAY_MS) },
      ),
      'policy.timeline_invalid',
    );
    expect(off.message).toBe(`${fixed.name} doesn't let you pick dates: leave the start and end empty.`);

    const s = await scenario(t);
    const cases: [Record<string, Date>, string][] = [
      [{ startAt: new Date(now - DAY_MS) }, 'The start date is in the past: pick today or a later date.'],
      [{ endAt: new Date(now - DAY_MS) }, 'The end date is in the past: pick a later date.'],
      [
        { startAt: new Date(now + 5 * DAY_MS), endAt: new Date(now + 2 * DAY_MS) },
        'The end date is before the start date: pick an end after the start.',
      ],
      [
        { endAt: new Date(now + 31 * DAY_MS) },
        `${s.name} can be held for 30 days at most: pick an end on or before ${new Date(now + 30 * DAY_MS).toISOString().slice(0, 10)}.`,
      ],
    ];
    for (const [dates, message] of cases) {
      const error = await refused(
        submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId, ...dates }),
        'policy.timeline_invalid',
      );
      expect(error.message).toBe(message);
    }
  });

  it('refuses at submit when the requestor is the only approver and there is no fallback', async () => {
    const s = await scenario(t, (me) => ({ approvalStages: [{ approverUserIds: [me] }] }));
    const error = await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'policy.no_approvers',
    );
    expect(error.message).toContain('you are the only approver of stage 1');
  });

  it('invariant 1: a failed call writes nothing', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, (me) => ({
      justificationRequired: true,
      approvalStages: [{ approverUserIds: [approver] }, { approverUserIds: [me] }],
    }));
    const before = await snapshotCounts(t.database.db);
    await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId }),
      'policy.justification_required',
    );
    await refused(
      submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId, justification: 'needed' }),
      'policy.no_approvers',
    );
    await refused(
      submitRequest(t.deps, { userId: await insertUser(t.database.db) }, { packageId: s.packageId }),
      'policy.not_eligible',
    );
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });
});

describe(`cancelRequest and recordRefusal (${databaseLabel})`, () => {
  it('lets the requestor cancel an open request; the approvers are told', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    await refused(cancelRequest(t.deps, { userId: approver }, { requestId }), 'request.not_yours');
    const result = await cancelRequest(t.deps, { userId: s.requestor }, { requestId: `R-${requestId}` });
    expect(result.state).toBe('canceled');
    expect(await stored.request(t.database.db, requestId)).toMatchObject({ state: 'canceled', stage: 0 });
    expect(
      (await stored.audit(t.database.db, { requestId, action: 'request.canceled' }))[0]!.data,
    ).toMatchObject({
      from: 'pending_approval',
    });
    expect(
      (await stored.outbox(t.database.db, { recipient: approver, kind: 'request_canceled' }))[0]!.data,
    ).toMatchObject({
      forApprover: true,
      requestId,
    });
    const again = await refused(
      cancelRequest(t.deps, { userId: s.requestor }, { requestId }),
      'request.not_cancelable',
    );
    expect(again.message).toBe(`R-${requestId} is canceled: it can't be canceled any more.`);
    await refused(
      decideRequest(t.deps, { userId: approver }, { requestId, decision: 'approve' }),
      'request.already_decided',
    );
  });

  it('refuses to cancel a delivered request, pointing at removal', async () => {
    const s = await scenario(t);
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const error = await refused(
      cancelRequest(t.deps, { userId: s.requestor }, { requestId }),
      'request.not_cancelable',
    );
    expect(error.message).toContain('remove it from My Access');
  });

  it('records one action_refused audit row for a refused click', async () => {
    const s = await scenario(t);
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const error = await refused(
      cancelRequest(t.deps, { userId: s.requestor }, { requestId }),
      'request.not_cancelable',
    );
    await recordRefusal(t.deps, { userId: s.requestor }, error, { requestId });
    const rows = await stored.audit(t.database.db, { requestId, action: 'request.action_refused' });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({ code: 'request.not_cancelable', message: error.message });
    expect(rows[0]).toMatchObject({
      actorId: s.requestor,
      packageId: s.packageId,
      subjectUserId: s.requestor,
    });
  });

  it('cancels the open request when an admin assigns the package directly', async () => {
    const approver = await insertUser(t.database.db);
    const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const direct = await assignDirect(t.deps, ADMIN, { userId: s.requestor, packageId: s.packageId });
    expect(direct.state).toBe('delivered');
    expect(await stored.request(t.database.db, requestId)).toMatchObject({
      state: 'canceled',
      outcomeNote: 'assigned directly',
    });
    expect(
      await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'request_canceled' }),
    ).toHaveLength(1);
  });
});
