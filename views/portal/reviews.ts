import type { KnownBlock } from '@slack/types';
import type { AwaitingReview } from '../../src/services/reviews/review-queries.js';
import { context, header, section } from '../blocks.js';
import { escapeMrkdwn, formatDateTime, truncate, userText } from '../mrkdwn.js';
import { type Notice, noticeBlock } from '../notice.js';
import { reviewItemBlocks } from './review-items.js';

/** Room kept under the 50-block message limit for the header, notice and the closing line. */
const CONTENT_BLOCKS = 45;

export interface ReviewsInput {
  reviews: readonly AwaitingReview[];
  viewerId: string;
  notice?: Notice;
}

/** `/access reviews`: the access reviews waiting on me, each person with Keep / Remove. */
export function reviewsAwaitingView(input: ReviewsInput): { text: string; blocks: KnownBlock[] } {
  const { reviews, viewerId } = input;
  const blocks: KnownBlock[] = [];
  if (input.notice) blocks.push(noticeBlock(input.notice));
  if (reviews.length === 0) {
    const text = 'No access review is waiting on you.';
    blocks.push(section(text));
    return { text, blocks };
  }
  blocks.push(header('Access reviews waiting on you'));
  const budget = blocks.length + CONTENT_BLOCKS;
  let left = 0;
  for (const review of reviews) {
    if (blocks.length + 3 > budget) {
      left += review.items.length;
      continue;
    }
    blocks.push(
      section(
        `*${userText(review.packageName, 150)}* — ${review.undecided} of ${review.items.length} not decided · due ${formatDateTime(review.deadline)}`,
      ),
    );
    for (const item of review.items) {
      if (blocks.length + 2 > budget) {
        left += 1;
        continue;
      }
      blocks.push(...reviewItemBlocks(review, item, viewerId));
    }
  }
  blocks.push(
    context(
      left > 0
        ? `${left} more to review: the Home tab of Gatehouse lists them all.`
        : 'You can change a decision until the deadline; decisions apply when the review ends.',
    ),
  );
  const text = `Reviews waiting on you: ${reviews.map((r) => `${r.packageName} (${r.undecided} not decided)`).join(', ')}`;
  return { text: truncate(escapeMrkdwn(text), 3000), blocks };
}
