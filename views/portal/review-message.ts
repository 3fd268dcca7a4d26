import type { KnownBlock } from '@slack/types';
import type { AwaitingReview } from '../../src/services/reviews/review-queries.js';
import { context, section } from '../blocks.js';
import { formatDateTime, userText } from '../mrkdwn.js';
import { reviewItemBlocks } from './review-items.js';

/** 20 people (2 blocks each) and 4 more blocks stay under a message's 50. */
export const REVIEW_DM_ITEMS = 20;

export interface ReviewRequestedData {
  reviewId: number;
  /** Unknown only when the review is gone from the person's list and the caller had no name. */
  packageName: string | null;
  reminder?: boolean;
  reviewerId: string;
  /** The review as it stands for this reviewer; null when it is closed or nothing is left to decide. */
  review: AwaitingReview | null;
}

/**
 * The DM that asks a reviewer to act: one per review, each person with Keep / Remove. Also what
 * the message is updated to after each decision, and once the review is over.
 */
export function renderReviewRequested(data: ReviewRequestedData): { text: string; blocks: KnownBlock[] } {
  const review = data.review;
  const pkg = `*${userText(review?.packageName ?? data.packageName ?? 'this package', 150)}*`;
  if (!review || review.items.length === 0) {
    const text = `:mag: The access review of ${pkg} is over, or has nothing left for you to decide.`;
    return { text: plainText(text), blocks: [section(text)] };
  }
  const undecided = review.undecided;
  const people = review.items.length === 1 ? '1 person' : `${review.items.length} people`;
  const intro =
    review.reviewerMode === 'self'
      ? `:mag: ${data.reminder ? 'Reminder: ' : ''}please review your access to ${pkg}: do you still need it?`
      : `:mag: ${data.reminder ? 'Reminder: ' : ''}please review access to ${pkg}: ${people} to review, ${undecided} not decided yet.`;
  const blocks: KnownBlock[] = [
    section(intro),
    context(
      `Decide by ${formatDateTime(review.deadline)}. You can change a decision until then; decisions apply when the review ends.`,
    ),
  ];
  const shown = review.items.slice(0, REVIEW_DM_ITEMS);
  for (const item of shown) blocks.push(...reviewItemBlocks(review, item, data.reviewerId));
  if (review.items.length > shown.length) {
    blocks.push(
      context(
        `${review.items.length - shown.length} more to review: open the Home tab of Gatehouse to see them all.`,
      ),
    );
  }
  return { text: plainText(intro), blocks };
}

/** The notification text (push previews): already escaped; emoji codes and bold markers dropped. */
function plainText(text: string): string {
  return text.replace(/:[a-z_]+: /g, '').replace(/\*/g, '');
}
