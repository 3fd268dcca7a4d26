import type { KnownBlock } from '@slack/types';
import type { AwaitingItem, AwaitingReview } from '../../src/services/reviews/review-queries.js';
import { actions, button, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { mention, userText } from '../mrkdwn.js';

/** `reviewId:assignmentId`, the value of Keep and Remove. */
export function reviewItemValue(reviewId: number, assignmentId: number): string {
  return `${reviewId}:${assignmentId}`;
}

export function reviewItemBlockId(reviewId: number, assignmentId: number): string {
  return `review_${reviewId}_${assignmentId}`;
}

function decisionWords(item: AwaitingItem, viewerId: string): string {
  const by = item.decidedBy
    ? item.decidedBy === viewerId
      ? ' by you'
      : ` by ${mention(item.decidedBy)}`
    : '';
  if (item.decision === 'keep') return `:white_check_mark: keep${by}`;
  if (item.decision === 'remove') {
    const reason = item.reason ? ` — _${userText(item.reason, 300)}_` : '';
    return `:x: remove${by}${reason}`;
  }
  return '_not decided yet_';
}

/** Whose access an item is, as the reviewer reads it. */
export function itemSubject(item: AwaitingItem, viewerId: string): string {
  if (item.userId === viewerId) return 'Your access';
  const name = item.userName && item.userName !== item.userId ? ` (${userText(item.userName, 80)})` : '';
  return `${mention(item.userId)}${name}`;
}

/**
 * One person's access under review: who, what is decided so far, and Keep / Remove. `withPackage`
 * names the package too, for lists that mix reviews (the Home tab).
 */
export function reviewItemBlocks(
  review: Pick<AwaitingReview, 'reviewId' | 'packageName'>,
  item: AwaitingItem,
  viewerId: string,
  withPackage = false,
): KnownBlock[] {
  const pkg = withPackage ? ` · *${userText(review.packageName, 150)}*` : '';
  return [
    section(`${itemSubject(item, viewerId)}${pkg} — ${decisionWords(item, viewerId)}`),
    actions(reviewItemBlockId(review.reviewId, item.assignmentId), [
      button(
        'Keep',
        ACTION.reviewKeep,
        reviewItemValue(review.reviewId, item.assignmentId),
        item.decision === 'keep' ? undefined : 'primary',
      ),
      button('Remove', ACTION.reviewRemove, reviewItemValue(review.reviewId, item.assignmentId), 'danger'),
    ]),
  ];
}
