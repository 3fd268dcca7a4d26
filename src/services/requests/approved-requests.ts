import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type Assignment, assignments, type Request, requests } from '../../db/schema.js';
import { computeEndsAt } from '../../domain/expiry.js';
import type { PolicySettings } from '../../domain/policy.js';
import { ACTIVE_ASSIGNMENT_STATES, formatRequestId, type RequestState } from '../../domain/states.js';
import { audit } from '../audit.js';
import type { Actor, EngineDeps } from '../context.js';
import {
  DELIVERY_LEASE_MS,
  type DeliveryReport,
  deliverFulfilments,
  settleAssignment,
} from '../lifecycle/delivery.js';
import { createAssignment, scheduleReminders } from '../lifecycle/lifecycle.js';
import { notify } from '../notify.js';
import { transitionEvents, updateRequest } from './request-support.js';

/**
 * What happens to a request once it is approved: an extension is applied to its assignment; a
 * future start waits as `scheduled`; otherwise the assignment is created and its grants are
 * leased to the caller, which delivers them right after commit (`deliverAfterCommit`).
 */

export interface Proceeded {
  state: RequestState;
  assignmentId: number | null;
  /** Grants to deliver after commit (already leased to the caller). */
  fulfilmentIds: number[];
}

export type ApprovedRequest = Pick<
  Request,
  'id' | 'packageId' | 'policyId' | 'userId' | 'type' | 'startAt' | 'endAt' | 'assignmentId'
>;

export async function proceedApproved(
  tx: Db,
  now: Date,
  actor: Actor,
  request: ApprovedRequest,
  packageName: string,
  settings: PolicySettings,
): Promise<Proceeded> {
  if (request.type === 'user_extend')
    return completeExtension(tx, now, actor, request, packageName, settings);
  if (request.startAt && request.startAt.getTime() > now.getTime()) {
    await updateRequest(tx, now, request.id, { state: 'scheduled', stage: 0 });
    await audit(tx, now, actor, ...transitionEvents(request, ['approved', 'scheduled']));
    await notify(tx, now, {
      kind: 'request_scheduled',
      recipient: request.userId,
      idempotencyKey: `request_scheduled:${request.id}`,
      data: {
        requestId: request.id,
        request: formatRequestId(request.id),
        packageId: request.packageId,
        packageName,
        startAt: request.startAt.toISOString(),
      },
    });
    return { state: 'scheduled', assignmentId: null, fulfilmentIds: [] };
  }
  return startDelivery(tx, now, actor, request, packageName, settings, 'approved');
}

/**
 * Creates the assignment of an approved (or scheduled, now starting) request and moves the
 * request to delivering. A package with no resource roles has nothing to deliver: it is
 * delivered at once.
 */
export async function startDelivery(
  tx: Db,
  now: Date,
  actor: Actor,
  request: ApprovedRequest,
  packageName: string,
  settings: PolicySettings,
  from: 'approved' | 'scheduled',
): Promise<Proceeded> {
  const startsAt = from === 'scheduled' && request.startAt ? request.startAt : now;
  const endsAt = request.endAt ?? computeEndsAt(settings.expiry, startsAt);
  const { assignmentId, fulfilmentIds } = await createAssignment(tx, now, actor, {
    userId: request.userId,
    packageId: request.packageId,
    packageName,
    policyId: request.policyId,
    requestId: request.id,
    startsAt,
    endsAt,
    reminderOffsetsHours: settings.reminderOffsetsHours,
    claimForMs: DELIVERY_LEASE_MS,
  });
  await updateRequest(tx, now, request.id, { state: 'delivering', stage: 0, assignmentId });
  await audit(tx, now, actor, ...transitionEvents(request, [from, 'delivering'], { assignmentId }));
  if (fulfilmentIds.length > 0) return { state: 'delivering', assignmentId, fulfilmentIds };
  await settleAssignment(tx, now, assignmentId);
  return { state: 'delivered', assignmentId, fulfilmentIds: [] };
}

/** An approved extension request: its assignment gets the new end, and the request is done. */
async function completeExtension(
  tx: Db,
  now: Date,
  actor: Actor,
  request: ApprovedRequest,
  packageName: string,
  settings: PolicySettings,
): Promise<Proceeded> {
  const assignment = request.assignmentId ? await lockActiveAssignment(tx, request.assignmentId) : null;
  if (!assignment) {
    const note = 'the access ended before the extension was approved';
    await updateRequest(tx, now, request.id, {
      state: 'canceled',
      stage: 0,
      closedAt: now,
      outcomeNote: note,
    });
    await audit(tx, now, actor, ...transitionEvents(request, ['approved', 'canceled'], { note }));
    await notify(tx, now, {
      kind: 'request_canceled',
      recipient: request.userId,
      idempotencyKey: `request_canceled:${request.id}`,
      data: { requestId: request.id, packageId: request.packageId, packageName, note },
    });
    return { state: 'canceled', assignmentId: request.assignmentId, fulfilmentIds: [] };
  }
  await applyExtension(tx, now, actor, assignment, packageName, settings, request.id);
  await updateRequest(tx, now, request.id, { state: 'delivered', stage: 0, closedAt: now });
  await audit(tx, now, actor, ...transitionEvents(request, ['approved', 'delivering', 'delivered']));
  return { state: 'delivered', assignmentId: assignment.id, fulfilmentIds: [] };
}

export async function lockActiveAssignment(tx: Db, assignmentId: number): Promise<Assignment | null> {
  const [row] = await tx
    .select()
    .from(assignments)
    .where(and(eq(assignments.id, assignmentId), inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES])))
    .for('update');
  return row ?? null;
}

/**
 * Moves the SAME assignment's end by the policy's expiry, counted from its current end, counts
 * the extension, re-arms the reminders and tells the holder.
 */
export async function applyExtension(
  tx: Db,
  now: Date,
  actor: Actor,
  assignment: Assignment,
  packageName: string,
  settings: PolicySettings,
  requestId: number | null,
): Promise<{ endsAt: Date | null; extensionCount: number }> {
  const from = assignment.endsAt;
  const endsAt = computeEndsAt(settings.expiry, from ?? now);
  const extensionCount = assignment.extensionCount + 1;
  await tx
    .update(assignments)
    .set({ endsAt, extensionCount, updatedAt: now })
    .where(eq(assignments.id, assignment.id));
  await scheduleReminders(tx, now, assignment.id, endsAt, settings.reminderOffsetsHours);
  await audit(tx, now, actor, {
    action: 'assignment.extended',
    packageId: assignment.packageId,
    assignmentId: assignment.id,
    requestId,
    subjectUserId: assignment.userId,
    data: { from: from?.toISOString() ?? null, to: endsAt?.toISOString() ?? null, extensionCount },
  });
  await notify(tx, now, {
    kind: 'access_extended',
    recipient: assignment.userId,
    idempotencyKey: `access_extended:${assignment.id}:${extensionCount}`,
    data: {
      assignmentId: assignment.id,
      packageId: assignment.packageId,
      packageName,
      requestId,
      endsAt: endsAt?.toISOString() ?? null,
      previousEndsAt: from?.toISOString() ?? null,
    },
  });
  return { endsAt, extensionCount };
}

/**
 * Runs the connectors for grants or revokes just committed. A failure here is not the caller's:
 * the work stays queued and the delivery job picks it up when the lease runs out.
 */
export async function deliverAfterCommit(
  deps: EngineDeps,
  fulfilmentIds: readonly number[],
  preclaimed: boolean,
): Promise<DeliveryReport | undefined> {
  if (fulfilmentIds.length === 0) return undefined;
  if (deps.deliverLater) {
    deps.deliverLater(fulfilmentIds, preclaimed);
    return undefined;
  }
  try {
    return await deliverFulfilments(deps, fulfilmentIds, { preclaimed });
  } catch (error) {
    deps.log.error(
      { err: error, fulfilmentIds },
      'delivery after commit failed; the delivery job will retry',
    );
    return undefined;
  }
}

export interface RequestResult {
  requestId: number;
  /** `R-1042`, as people type it. */
  request: string;
  state: RequestState;
  assignmentId?: number;
  delivery?: DeliveryReport;
}

/** After commit: delivers what the transaction leased and reports where the request now stands. */
export async function finishRequest(
  deps: EngineDeps,
  done: { requestId: number; state: RequestState; assignmentId: number | null; fulfilmentIds: number[] },
): Promise<RequestResult> {
  const delivery = await deliverAfterCommit(deps, done.fulfilmentIds, true);
  let state = done.state;
  if (delivery) {
    const [row] = await deps.database.db
      .select({ state: requests.state })
      .from(requests)
      .where(eq(requests.id, done.requestId));
    state = row?.state ?? state;
  }
  return {
    requestId: done.requestId,
    request: formatRequestId(done.requestId),
    state,
    ...(done.assignmentId !== null ? { assignmentId: done.assignmentId } : {}),
    ...(delivery ? { delivery } : {}),
  };
}
