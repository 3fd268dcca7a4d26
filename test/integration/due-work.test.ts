import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expiryReminders, requestApprovers } from '../../src/db/schema.js';
import {
  escalateStages,
  runDueWork,
  sendExpiryReminders,
  startScheduled,
  timeOutStages,
} from '../../src/services/lifecycle/due-work.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import { decideRequest, submitRequest } from '../../src/services/requests/requests.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, DAY_MS, DAY_SECONDS, useTestEngine } from '../support/engine.js';
import { auditActions, insertUser } from '../support/fixtures.js';
import { refused, scenario, stored } from '../support/request-fixtures.js';

// Four connections so that two runners really overlap on PostgreSQL.
const t = useTestEngine({ poolSize: 4 });

// First in the file, on an empty store, so the runners' counts are exactly this test's items.
describe(`two runners (${databaseLabel})`, () => {
  it('two runners of runDueWork at once do each time-out, escalation, start and reminder once', async () => {
    await runDueWork(t.deps);
    const now = t.clock.now().getTime();
    const approver = await insertUser(t.database.db);
    const fallback = await insertUser(t.database.db);
    const timingOut: number[] = [];
    const escalating: number[] = [];
    const scheduled: { requestId: number; requestor: string; group: string }[] = [];
    const expiring: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await scenario(t, () => ({
        approvalStages: [{ approverUserIds: [approver], decideWithinDays: 1 }],
      }));
      timingOut.push(
        (await submitRequest(t.deps, { userId: a.requestor }, { packageId: a.packageId })).requestId,
      );
      const b = await scenario(t, () => ({
        approvalStages: [
          {
            approverUserIds: [approver],
            fallbackUserIds: [fallback],
            escalateAfterDays: 1,
            decideWithinDays: 3,
          },
        ],
      }));
      escalating.push(
        (await submitRequest(t.deps, { userId: b.requestor }, { packageId: b.packageId })).requestId,
      );
      const c = await scenario(t);
      const startAt = new Date(now + DAY_MS - 3600_000);
      const { requestId } = await submitRequest(
        t.deps,
        { userId: c.requestor },
        { packageId: c.packageId, startAt },
      );
      scheduled.push({ requestId, requestor: c.requestor, group: c.resource.externalId });
      const d = await scenario(t);
      const endAt = new Date(now + DAY_MS + 12 * 3600_000);
      expiring.push(
        (await assignDirect(t.deps, ADMIN, { userId: d.requestor, packageId: d.packageId, endAt }))
          .assignmentId!,
      );
    }

    t.clock.advanceSeconds(DAY_SECONDS + 60);
    const reports = await Promise.all([runDueWork(t.deps), runDueWork({ ...t.deps, batchSize: 2 })]);
    const sum = (key: keyof (typeof reports)[0]) => reports[0][key] + reports[1][key];
    expect({
      timedOut: sum('timedOut'),
      escalated: sum('escalated'),
      started: sum('started'),
      reminders: sum('reminders'),
    }).toEqual({ timedOut: 3, escalated: 3, started: 3, reminders: 3 });

    for (const id of timingOut) {
      expect((await stored.request(t.database.db, id)).state).toBe('timed_out');
      expect(await stored.audit(t.database.db, { requestId: id, action: 'request.timed_out' })).toHaveLength(
        1,
      );
    }
    for (const id of escalating) {
      expect(await stored.audit(t.database.db, { requestId: id, action: 'request.escalated' })).toHaveLength(
        1,
      );
      const fallbacks = await t.database.db
        .select()
        .from(requestApprovers)
        .where(eq(requestApprovers.requestId, id));
      expect(fallbacks.filter((a) => a.userId === fallback)).toHaveLength(1);
    }
    for (const s of scheduled) {
      const request = await stored.request(t.database.db, s.requestId);
      expect(request.state).toBe('delivered');
      expect(
        await stored.audit(t.database.db, { requestId: s.requestId, action: 'assignment.created' }),
      ).toHaveLength(1);
      expect(t.connector.has(s.group, s.requestor)).toBe(true);
    }
    const grants = t.connector.calls.filter((c) => scheduled.some((s) => s.requestor === c.userId));
    expect(grants).toHaveLength(3);
    for (const id of expiring) {
      const sent = (await stored.outbox(t.database.db, { kind: 'access_expiring' })).filter(
        (o) => o.data.assignmentId === id,
      );
      expect(sent).toHaveLength(1);
    }
    expect(await runDueWork(t.deps)).toEqual({ timedOut: 0, escalated: 0, started: 0, reminders: 0 });
  });
});

describe(`approval deadlines (${databaseLabel})`, () => {
  it('escalates to the fallback approvers, then times out', async () => {
    const anna = await insertUser(t.database.db);
    const fred = await insertUser(t.database.db);
    const s = await scenario(t, () => ({
      approvalStages: [
        { approverUserIds: [anna], fallbackUserIds: [fred], escalateAfterDays: 2, decideWithinDays: 5 },
      ],
    }));
    const submittedAt = t.clock.now().getTime();
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const pending = await stored.request(t.database.db, requestId);
    expect(pending.stageEscalateAt?.getTime()).toBe(submittedAt + 2 * DAY_MS);
    expect(pending.stageDueAt?.getTime()).toBe(submittedAt + 5 * DAY_MS);

    t.clock.advanceSeconds(DAY_SECONDS);
    await escalateStages(t.deps);
    await refused(
      decideRequest(t.deps, { userId: fred }, { requestId, decision: 'approve' }),
      'request.not_approver',
    );

    t.clock.advanceSeconds(DAY_SECONDS);
    await escalateStages(t.deps);
    await escalateStages(t.deps);
    const approvers = await t.database.db
      .select()
      .from(requestApprovers)
      .where(eq(requestApprovers.requestId, requestId));
    expect(approvers.map((a) => [a.userId, a.isFallback, a.reason])).toEqual([
      [anna, false, 'named approver'],
      [fred, true, 'fallback approver'],
    ]);
    expect((await stored.request(t.database.db, requestId)).stageEscalatedAt?.getTime()).toBe(
      t.clock.now().getTime(),
    );
    const [escalated] = await stored.outbox(t.database.db, { recipient: fred, kind: 'approval_escalated' });
    expect(escalated!.data).toMatchObject({
      requestId,
      stage: 1,
      reason: 'fallback approver',
      firstApprovers: [anna],
    });
    expect(await stored.audit(t.database.db, { requestId, action: 'request.escalated' })).toHaveLength(1);

    t.clock.advanceSeconds(3 * DAY_SECONDS);
    expect(await timeOutStages(t.deps)).toBeGreaterThanOrEqual(1);
    expect(await stored.request(t.database.db, requestId)).toMatchObject({ state: 'timed_out', stage: 0 });
    expect(
      (await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'request_timed_out' })).length,
    ).toBe(1);
    for (const approver of [anna, fred]) {
      const [told] = await stored.outbox(t.database.db, { recipient: approver, kind: 'request_timed_out' });
      expect(told!.data).toMatchObject({ requestId, forApprover: true });
    }
    const late = await refused(
      decideRequest(t.deps, { userId: fred }, { requestId, decision: 'approve' }),
      'request.already_decided',
    );
    expect(late.message).toBe(`R-${requestId} is timed out: there is nothing left to decide.`);
  });

  it('lets a fallback approver decide after escalation', async () => {
    const anna = await insertUser(t.database.db);
    const fred = await insertUser(t.database.db);
    const s = await scenario(t, () => ({
      approvalStages: [{ approverUserIds: [anna], fallbackUserIds: [fred], escalateAfterDays: 1 }],
    }));
    const { requestId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    t.clock.advanceSeconds(DAY_SECONDS);
    await runDueWork(t.deps);
    const result = await decideRequest(t.deps, { userId: fred }, { requestId, decision: 'approve' });
    expect(result.state).toBe('delivered');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);
  });
});

describe(`scheduled starts (${databaseLabel})`, () => {
  it('delivers a scheduled request at its start, not before', async () => {
    const s = await scenario(t);
    const startAt = new Date(t.clock.now().getTime() + 2 * DAY_MS);
    const { requestId } = await submitRequest(
      t.deps,
      { userId: s.requestor },
      { packageId: s.packageId, startAt },
    );

    t.clock.advanceSeconds(DAY_SECONDS);
    await startScheduled(t.deps);
    expect((await stored.request(t.database.db, requestId)).state).toBe('scheduled');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(false);

    t.clock.advanceSeconds(DAY_SECONDS);
    expect(await startScheduled(t.deps)).toBeGreaterThanOrEqual(1);
    const request = await stored.request(t.database.db, requestId);
    expect(request.state).toBe('delivered');
    expect(t.connector.has(s.resource.externalId, s.requestor)).toBe(true);
    const assignment = await stored.assignment(t.database.db, request.assignmentId!);
    expect(assignment.startsAt.getTime()).toBe(startAt.getTime());
    expect(assignment.endsAt?.getTime()).toBe(startAt.getTime() + 30 * DAY_MS);
    expect(await auditActions(t.database.db, { requestId })).toEqual([
      'request.submitted',
      'request.approved',
      'request.scheduled',
      'assignment.created',
      'request.delivering',
      'assignment.delivered',
      'request.delivered',
    ]);
    const started = (await stored.audit(t.database.db, { requestId, action: 'request.delivering' }))[0]!;
    expect(started).toMatchObject({
      actorId: 'system',
      data: expect.objectContaining({ from: 'scheduled' }),
    });
  });
});

describe(`expiry reminders (${databaseLabel})`, () => {
  it('sends the 14-day and the 1-day reminder each once, at their times', async () => {
    const s = await scenario(t, () => ({
      extension: { allowed: true, requiresApproval: false, maxCount: 1 },
    }));
    const { assignmentId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    const endsAt = (await stored.assignment(t.database.db, assignmentId!)).endsAt!;

    t.clock.advanceSeconds(15 * DAY_SECONDS);
    await sendExpiryReminders(t.deps);
    expect(
      await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'access_expiring' }),
    ).toHaveLength(0);

    t.clock.advanceSeconds(DAY_SECONDS + 60);
    await sendExpiryReminders(t.deps);
    await sendExpiryReminders(t.deps);
    let sent = await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'access_expiring' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.idempotencyKey).toBe(`access_expiring:${assignmentId}:336:${endsAt.toISOString()}`);
    expect(sent[0]!.data).toMatchObject({
      assignmentId,
      offsetHours: 336,
      endsAt: endsAt.toISOString(),
      canExtend: true,
    });

    t.clock.advanceSeconds(13 * DAY_SECONDS);
    await runDueWork(t.deps);
    sent = await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'access_expiring' });
    expect(sent.map((o) => o.data.offsetHours)).toEqual([336, 24]);
  });

  it('after downtime sends only the latest due reminder per assignment', async () => {
    const s = await scenario(t);
    const { assignmentId } = await submitRequest(t.deps, { userId: s.requestor }, { packageId: s.packageId });
    t.clock.advanceSeconds(29.5 * DAY_SECONDS);
    await sendExpiryReminders(t.deps);
    const sent = await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'access_expiring' });
    expect(sent.map((o) => o.data.offsetHours)).toEqual([24]);
    const rows = await t.database.db
      .select()
      .from(expiryReminders)
      .where(eq(expiryReminders.assignmentId, assignmentId!));
    expect(rows.every((r) => r.sentAt !== null)).toBe(true);
  });
});
