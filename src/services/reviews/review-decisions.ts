import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { reviewDecisions } from '../../db/schema.js';
import { GatehouseError, people, person, sentence } from '../../domain/errors.js';
import {
  mayDecide,
  REVIEW_REASON_MAX_LENGTH,
  type ReviewDecision,
  reasonProblem,
} from '../../domain/review.js';
import { audit } from '../audit.js';
import { idSchema } from '../catalog/loaders.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { isAssignmentActive, loadReview } from './review-loaders.js';
import { possessive, refuseIfClosed, whose } from './review-wording.js';

export const reviewReasonSchema = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .trim()
    .max(REVIEW_REASON_MAX_LENGTH, `keep the reason to ${REVIEW_REASON_MAX_LENGTH} characters or fewer`)
    .optional(),
);

const decideInput = z.object({
  reviewId: idSchema,
  assignmentId: idSchema,
  decision: z.enum(['keep', 'remove']),
  reason: reviewReasonSchema,
});

export interface ItemDecision {
  reviewId: number;
  assignmentId: number;
  userId: string;
  decision: ReviewDecision;
  reason: string | null;
  /** The decision this one replaced, if the item had been decided before. */
  replaced: { decision: ReviewDecision; by: string | null } | null;
}

/**
 * A reviewer keeps or removes one person's access. Until the deadline a reviewer may change
 * their mind: the later decision replaces the earlier one, and both are in the audit trail.
 */
export async function decideReviewItem(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<ItemDecision> {
  const parsed = parseInput(decideInput, input);
  return inTransaction(deps, async (tx, now) => {
    // A share lock: reviewers decide side by side, but not while the review is applied or canceled.
    const review = await loadReview(tx, parsed.reviewId, 'share');
    refuseIfClosed(review, now);
    const [item] = await tx
      .select()
      .from(reviewDecisions)
      .where(
        and(eq(reviewDecisions.reviewId, review.id), eq(reviewDecisions.assignmentId, parsed.assignmentId)),
      )
      .for('update');
    if (!item) {
      throw new GatehouseError(
        'review.item_not_found',
        `That assignment isn't part of the review of ${review.packageName}.`,
        { reviewId: review.id, assignmentId: parsed.assignmentId },
      );
    }
    if (!mayDecide(review, item, actor.userId)) {
      throw new GatehouseError(
        'review.not_reviewer',
        review.reviewerMode === 'self'
          ? sentence`Only ${person(item.userId)} can review their own access to ${review.packageName}.`
          : sentence`You aren't a reviewer of ${review.packageName}'s access review. Ask ${people(review.reviewerIds)} to decide.`,
        { reviewId: review.id, assignmentId: item.assignmentId },
      );
    }
    const problem = reasonProblem(parsed.decision, parsed.reason);
    if (problem === 'reason_required') {
      throw new GatehouseError(
        'review.reason_required',
        sentence`Give a reason to remove ${whose(item.userId, actor)}${possessive(item.userId, actor)} access to ${review.packageName}: it is shown to ${item.userId === actor.userId ? 'you' : 'them'} and kept in the audit trail.`,
        { reviewId: review.id, assignmentId: item.assignmentId },
      );
    }
    if (!(await isAssignmentActive(tx, item.assignmentId))) {
      throw new GatehouseError(
        'review.item_ended',
        sentence`${whose(item.userId, actor, 'Your')}${possessive(item.userId, actor)} access to ${review.packageName} has already ended: there is nothing to decide.`,
        { reviewId: review.id, assignmentId: item.assignmentId },
      );
    }
    const reason = parsed.reason ?? null;
    await tx
      .update(reviewDecisions)
      .set({ decision: parsed.decision, reason, decidedBy: actor.userId, decidedAt: now })
      .where(
        and(eq(reviewDecisions.reviewId, review.id), eq(reviewDecisions.assignmentId, item.assignmentId)),
      );
    const replaced = item.decision ? { decision: item.decision, by: item.decidedBy } : null;
    await audit(tx, now, actor, {
      action: 'review.decided',
      catalogId: review.catalogId,
      packageId: review.packageId,
      reviewId: review.id,
      assignmentId: item.assignmentId,
      subjectUserId: item.userId,
      data: { decision: parsed.decision, reason, replaced },
    });
    return {
      reviewId: review.id,
      assignmentId: item.assignmentId,
      userId: item.userId,
      decision: parsed.decision,
      reason,
      replaced,
    };
  });
}
