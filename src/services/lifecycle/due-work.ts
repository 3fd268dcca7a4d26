import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type Request, requestApprovers, requests } from '../../db/schema.js';
import { fallbackApprovers, stageUsergroupIds } from '../../domain/approval.js';
import { audit } from '../audit.js';
import { type EngineDeps, SYSTEM } from '../context.js';
import { tellEscalatedApprovers } from '../requests/approval-stages.js';
import { groupMembers, snapshotOf } from '../requests/request-loaders.js';
import { markStagesEscalated, moveRequests } from '../requests/request-writer.js';
import { inBatches, packageNames } from './due-batch.js';
import { sendExpiryReminders } from './expiry-reminders.js';
import { startScheduled } from './scheduled-starts.js';

export { DUE_WORK_BATCH } from './due-batch.js';
export { sendExpiryReminders } from './expiry-reminders.js';
export { startScheduled } from './scheduled-starts.js';

/**
 * The work the scheduler does on each tick, on the injected clock. Each service claims due rows
 * with `FOR UPDATE SKIP LOCKED` in batches of at most 500, one short transaction per batch, so any
 * number of runners share the work and each item is done once (invariant 5). Grants of scheduled
 * starts are leased (claimed_until) to the runner that delivers them after its commit.
 */

export interface DueWorkReport {
  timedOut: number;
  escalated: number;
  started: number;
  reminders: number;
}

/** Everything due, in order: time-outs before escalations (a late stage is over, not escalated). */
export async function runDueWork(deps: EngineDeps): Promise<DueWorkReport> {
  const timedOut = await timeOutStages(deps);
  const escalated = await escalateStages(deps);
  const started = await startScheduled(deps);
  const reminders = await sendExpiryReminders(deps);
  return { timedOut, escalated, started, reminders };
}

/** Pending stages past their deadline end the request as timed out; requestor and approvers are told. */
export async function timeOutStages(deps: EngineDeps): Promise<number> {
  return inBatches(deps, async (tx, now, limit) => {
    const due = await tx
      .select()
      .from(requests)
      .where(and(eq(requests.state, 'pending_approval'), lte(requests.stageDueAt, now)))
      .orderBy(asc(requests.stageDueAt), asc(requests.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return 0;
    const note = 'no decision in time';
    const names = await packageNames(
      tx,
      due.map((r) => r.packageId),
    );
    await moveRequests(
      tx,
      now,
      SYSTEM,
      due.map((r) => ({ ...r, packageName: names.get(r.packageId) ?? '' })),
      {
        to: 'timed_out',
        set: { stage: 0, closedAt: now, outcomeNote: note },
        audit: (r) => ({ stage: r.stage, note }),
        news: { kind: 'request_timed_out' },
      },
    );
    return due.length;
  });
}

/** Stages undecided after their escalation delay get their fallback approvers added and told. */
export async function escalateStages(deps: EngineDeps): Promise<number> {
  return inBatches(deps, async (tx, now, limit) => {
    const due = await tx
      .select()
      .from(requests)
      .where(
        and(
          eq(requests.state, 'pending_approval'),
          isNull(requests.stageEscalatedAt),
          lte(requests.stageEscalateAt, now),
        ),
      )
      .orderBy(asc(requests.stageEscalateAt), asc(requests.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return 0;
    const ids = due.map((r) => r.id);
    await markStagesEscalated(tx, now, ids);
    const current = await tx
      .select({
        requestId: requestApprovers.requestId,
        stage: requestApprovers.stage,
        userId: requestApprovers.userId,
      })
      .from(requestApprovers)
      .where(inArray(requestApprovers.requestId, ids));
    const names = await packageNames(
      tx,
      due.map((r) => r.packageId),
    );
    const stages = due.map((r) => snapshotOf(r)?.approvalStages[r.stage - 1]).filter((s) => s !== undefined);
    const members = await groupMembers(tx, stageUsergroupIds(stages));
    for (const r of due) await escalateOne(tx, now, r, names.get(r.packageId) ?? '', members, current);
    return due.length;
  });
}

async function escalateOne(
  tx: Db,
  now: Date,
  request: Request,
  packageName: string,
  members: Awaited<ReturnType<typeof groupMembers>>,
  current: readonly { requestId: number; stage: number; userId: string }[],
): Promise<void> {
  const settings = snapshotOf(request);
  const stage = settings?.approvalStages[request.stage - 1];
  const existing = current.filter((a) => a.requestId === request.id && a.stage === request.stage);
  const added =
    settings && stage
      ? fallbackApprovers(
          stage,
          members,
          request.userId,
          existing.map((a) => a.userId),
        )
      : [];
  if (added.length > 0) {
    await tx.insert(requestApprovers).values(
      added.map((a) => ({
        requestId: request.id,
        stage: request.stage,
        userId: a.userId,
        isFallback: true,
        reason: a.reason,
        addedAt: now,
      })),
    );
  }
  await audit(tx, now, SYSTEM, {
    action: 'request.escalated',
    packageId: request.packageId,
    requestId: request.id,
    subjectUserId: request.userId,
    data: { stage: request.stage, added: added.map((a) => a.userId) },
  });
  if (settings && added.length > 0) {
    await tellEscalatedApprovers(tx, now, request, packageName, settings, request.stage, added, {
      dueAt: request.stageDueAt?.toISOString() ?? null,
      firstApprovers: existing.map((a) => a.userId),
    });
  }
}
