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
 * What an assignment and its request become given its grants: all done → delivered; some done →
 * partially delivered; none done and something failed → delivery failed (retried until given up);
 * otherwise still delivering. A delivered assignment that gains a new pending grant stays delivered.
 */
export function settleDelivery(
  current: AssignmentState,
  counts: GrantCounts,
): { assignment: AssignmentState; request: RequestState | null } {
  const failedAny = counts.failed + counts.abandoned > 0;
  if (counts.done === counts.total) return { assignment: 'delivered', request: 'delivered' };
  if (counts.done > 0) {
    if (counts.abandoned > 0) return { assignment: 'delivery_failed', request: 'partially_delivered' };
    return {
      assignment: current === 'delivered' && !failedAny ? 'delivered' : current,
      request: 'partially_delivered',
    };
  }
  if (failedAny) return { assignment: 'delivery_failed', request: 'delivery_failed' };
  return { assignment: current, request: null };
}
