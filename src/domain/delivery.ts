import type { AssignmentState, RequestState } from './states.js';

/** How an assignment's grants stand (canceled grants left out). */
export interface GrantCounts {
  total: number;
  done: number;
  pending: number;
  failed: number;
  abandoned: number;
}

/**
 * What an assignment and its request become given its grants: all done → delivered; some done and
 * some failed → partially delivered; none done and something failed → delivery failed (retried
 * until given up); otherwise still delivering — grants of different resources are delivered side
 * by side, so the first one done while the others are on their way is not a partial delivery.
 * A delivered assignment that gains a new pending grant stays delivered.
 */
export function settleDelivery(
  current: AssignmentState,
  counts: GrantCounts,
): { assignment: AssignmentState; request: RequestState | null } {
  const failedAny = counts.failed + counts.abandoned > 0;
  if (counts.done === counts.total) return { assignment: 'delivered', request: 'delivered' };
  if (counts.done > 0) {
    if (counts.abandoned > 0) return { assignment: 'delivery_failed', request: 'partially_delivered' };
    if (!failedAny) return { assignment: current, request: null };
    return { assignment: current, request: 'partially_delivered' };
  }
  if (failedAny) return { assignment: 'delivery_failed', request: 'delivery_failed' };
  return { assignment: current, request: null };
}
