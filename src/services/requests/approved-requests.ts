import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type Request, requests } from '../../db/schema.js';
import { computeEndsAt } from '../../domain/expiry.js';
import type { PolicySettings } from '../../domain/policy.js';
import { formatRequestId, type RequestState } from '../../domain/states.js';
import type { Actor, EngineDeps } from '../context.js';
import {
  applyExtension,
  createAssignment,
  lockActiveAssignment,
  settleAssignment,
} from '../lifecycle/assignment-writer.js';
import { DELIVERY_LEASE_MS, type DeliveryReport, deliverFulfilments } from '../lifecycle/delivery-runner.js';
import { moveRequest } from './request-writer.js';

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
  'id' | 'packageId' | 'policyId' | 'userId' | 'type' | 'startAt' | 'endAt' | 'assignmentId' | 'stage'
>;

export async function proceedApproved(
  tx: Db,
  now: Date,
  actor: Actor,
  request: ApprovedRequest,
  packageName: string,
  settings: PolicySettings,
): Promise<Proceeded> {
  const approved = { ...request, state: 'approved' as const, stage: 0, packageName };
  if (request.type === 'user_extend')
    return completeExtension(tx, now, actor, request, packageName, settings);
  if (request.startAt && request.startAt.getTime() > now.getTime()) {
    await moveRequest(tx, now, actor, approved, {
      to: 'scheduled',
      set: { stage: 0 },
      news: { kind: 'request_scheduled', startAt: request.startAt },
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
  await moveRequest(
    tx,
    now,
    actor,
    { ...request, state: from, stage: 0, packageName },
    { to: 'delivering', set: { stage: 0, assignmentId }, audit: { assignmentId } },
  );
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
  const approved = { ...request, state: 'approved' as const, stage: 0, packageName };
  const assignment = request.assignmentId ? await lockActiveAssignment(tx, request.assignmentId) : null;
  if (!assignment) {
    const note = 'the access ended before the extension was approved';
    await moveRequest(tx, now, actor, approved, {
      to: 'canceled',
      set: { stage: 0, closedAt: now, outcomeNote: note },
      audit: { note },
      news: { kind: 'request_canceled', note },
    });
    return { state: 'canceled', assignmentId: request.assignmentId, fulfilmentIds: [] };
  }
  await applyExtension(tx, now, actor, assignment, packageName, settings, request.id);
  await moveRequest(tx, now, actor, approved, {
    to: 'delivered',
    via: ['delivering'],
    set: { stage: 0, closedAt: now },
  });
  return { state: 'delivered', assignmentId: assignment.id, fulfilmentIds: [] };
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
