import { z } from 'zod';
import { requirePermission } from '../authz.js';
import { idSchema } from '../catalog/loaders.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { reviewReasonSchema } from './review-decisions.js';
import { loadReview } from './review-loaders.js';
import { closedError } from './review-wording.js';
import { cancelReview as cancelReviewRow } from './review-writer.js';

const cancelInput = z.object({ reviewId: idSchema, reason: reviewReasonSchema });

/** An assignment manager stops a running review: nothing is applied, decisions so far are kept for history. */
export async function cancelReview(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ reviewId: number; state: 'canceled' }> {
  const parsed = parseInput(cancelInput, input);
  return inTransaction(deps, async (tx, now) => {
    const review = await loadReview(tx, parsed.reviewId, 'update');
    await requirePermission(tx, deps, actor, review.catalogId, 'assignment.manage');
    if (review.state !== 'active') throw closedError(review, now);
    await cancelReviewRow(tx, now, actor, review, parsed.reason ?? null);
    return { reviewId: review.id, state: 'canceled' as const };
  });
}
