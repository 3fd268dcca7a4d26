import { renderReviewRequested } from '../../../views/portal/review-message.js';
import type { EngineDeps } from '../../services/context.js';
import type { OutboxMessage, RenderedMessage } from '../../services/lifecycle/outbox.js';
import { reviewsAwaiting } from '../../services/reviews/review-queries.js';

/** The review as it stands for this reviewer, or null when nothing is left for them to decide. */
export async function awaitingReview(deps: EngineDeps, reviewerId: string, reviewId: number) {
  const reviews = await reviewsAwaiting(deps, { userId: reviewerId }, { reviewerId });
  return reviews.find((r) => r.reviewId === reviewId) ?? null;
}

/**
 * The review DM, from the engine's current state: what the notifier posts for `review_requested`
 * (hook: `if (message.kind === 'review_requested') return reviewRequestedMessage(deps, message)`)
 * and what the message is updated to after each decision.
 */
export async function reviewRequestedMessage(
  deps: EngineDeps,
  message: Pick<OutboxMessage, 'recipient' | 'data'>,
): Promise<RenderedMessage> {
  const reviewId = Number(message.data.reviewId);
  const review = Number.isSafeInteger(reviewId)
    ? await awaitingReview(deps, message.recipient, reviewId)
    : null;
  return renderReviewRequested({
    reviewId,
    packageName: typeof message.data.packageName === 'string' ? message.data.packageName : null,
    reminder: message.data.reminder === true,
    reviewerId: message.recipient,
    review,
  });
}
