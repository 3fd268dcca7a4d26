import { describe, expect, it } from 'vitest';
import { checkMessageBlocks, checkView } from '../../src/sandbox/block-kit-checks.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { REVIEW_DM_ITEMS, renderReviewRequested } from '../../views/portal/review-message.js';
import { reviewReasonMetadata, reviewReasonModal } from '../../views/portal/review-reason-modal.js';
import { reviewsAwaitingView } from '../../views/portal/reviews.js';
import { range, review, reviewItem } from './portal-fixtures.js';

type Block = { type: string; block_id?: string; elements?: { action_id: string; value: string }[] };

describe('the review DM', () => {
  it('lists each person with Keep / Remove carrying reviewId:assignmentId', () => {
    const message = renderReviewRequested({
      reviewId: 3,
      packageName: 'Sales',
      reviewerId: 'U0REVIEWER',
      review: review(3, [
        reviewItem(1),
        reviewItem(2, { decision: 'remove', reason: 'left the <!channel> team', decidedBy: 'U0OTHER' }),
      ]),
    });
    expect(checkMessageBlocks(message.blocks)).toEqual([]);
    const blocks = message.blocks as unknown as Block[];
    expect(blocks.find((b) => b.block_id === 'review_3_7001')!.elements).toMatchObject([
      { action_id: ACTION.reviewKeep, value: '3:7001' },
      { action_id: ACTION.reviewRemove, value: '3:7001' },
    ]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('2 people to review, 1 not decided yet');
    expect(text).toContain('<@U0PERSON1> (Person 1) — _not decided yet_');
    expect(text).toContain(':x: remove by <@U0OTHER> — _left the &lt;!channel&gt; team_');
    expect(message.text).not.toContain(':mag:');
  });

  it('asks about one’s own access in a self review, and marks a reminder', () => {
    const message = renderReviewRequested({
      reviewId: 4,
      packageName: 'Sales',
      reviewerId: 'U0PERSON1',
      reminder: true,
      review: review(4, [reviewItem(1)], { reviewerMode: 'self' }),
    });
    expect(JSON.stringify(message.blocks)).toContain('Reminder: please review your access to *Reviewed 4*');
    expect(JSON.stringify(message.blocks)).toContain('Your access — _not decided yet_');
  });

  it('stays within 50 blocks and points to the Home tab for the rest', () => {
    const message = renderReviewRequested({
      reviewId: 5,
      packageName: 'Big',
      reviewerId: 'U0REVIEWER',
      review: review(
        5,
        range(300, (i) => reviewItem(i, { userName: 'n'.repeat(500) })),
      ),
    });
    expect(checkMessageBlocks(message.blocks)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toContain(
      `${300 - REVIEW_DM_ITEMS} more to review: open the Home tab of Gatehouse to see them all.`,
    );
  });

  it('says when there is nothing left to decide', () => {
    const message = renderReviewRequested({
      reviewId: 6,
      packageName: 'Gone',
      reviewerId: 'U0R',
      review: null,
    });
    expect(message.blocks).toHaveLength(1);
    expect(message.text).toContain('The access review of Gone is over');
  });
});

describe('/access reviews', () => {
  it('lists reviews and their people within 50 blocks', () => {
    const view = reviewsAwaitingView({
      reviews: range(4, (r) =>
        review(
          r + 1,
          range(15, (i) => reviewItem(r * 100 + i)),
        ),
      ),
      viewerId: 'U0REVIEWER',
    });
    expect(checkMessageBlocks(view.blocks)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(view.blocks)).toMatch(
      /\d+ more to review: the Home tab of Gatehouse lists them all\./,
    );
    expect(JSON.stringify(view.blocks)).toContain('*Reviewed 1* — 15 of 15 not decided');
  });

  it('says when nothing waits', () => {
    expect(reviewsAwaitingView({ reviews: [], viewerId: 'U0R' }).text).toBe(
      'No access review is waiting on you.',
    );
  });
});

describe('the review reason modal', () => {
  it('asks for a required reason in the `reason` input and carries its item in private_metadata', () => {
    const metadata = {
      reviewId: 3,
      assignmentId: 7001,
      origin: { kind: 'message' as const, channel: 'D1', ts: '1.2' },
    };
    const view = reviewReasonModal({
      metadata,
      subject: '<@U0PERSON1>',
      packageName: 'Sales',
      deadline: new Date('2026-03-15T00:00:00Z'),
    });
    expect(checkView(view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK.reviewReason);
    const input = view.blocks.find((b) => b.type === 'input');
    expect(input).toMatchObject({
      block_id: 'reason',
      element: { type: 'plain_text_input', max_length: 1000 },
    });
    expect(input).not.toHaveProperty('optional');
    expect(reviewReasonMetadata.parse(JSON.parse(view.private_metadata!))).toEqual(metadata);
  });
});
