import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import { itemSubject } from '../../../../views/portal/review-items.js';
import { reviewReasonModal } from '../../../../views/portal/review-reason-modal.js';
import { GatehouseError } from '../../../domain/errors.js';
import { parseClick, reviewItemFromValue } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { answerReviewAction } from '../../portal/answers.js';
import { awaitingReview } from '../../portal/review-dm.js';
import { explain, refusalNotice } from '../../refusals.js';

/** Remove, in a review: asks for the reason (required: the person is told it) in a modal. */
export function register(app: App, ctx: SlackContext): void {
  app.action(ACTION.reviewRemove, async ({ ack, body, client }) => {
    await ack();
    const click = parseClick(body);
    const log = ctx.log.child({ slackUser: click.userId, action: ACTION.reviewRemove });
    let reviewId = 0;
    try {
      const ref = reviewItemFromValue(click.value);
      await ensureUser(ctx, client, click.userId);
      reviewId = ref.reviewId;
      const review = await awaitingReview(ctx.engine, click.userId, ref.reviewId);
      if (!review) {
        throw new GatehouseError(
          'review.closed',
          'This access review is over, or has nothing left for you to decide.',
          { reviewId: ref.reviewId },
        );
      }
      const item = review.items.find((i) => i.assignmentId === ref.assignmentId);
      if (!item) {
        throw new GatehouseError(
          'review.item_ended',
          `That access to ${review.packageName} has already ended, or is no longer yours to review.`,
          { reviewId: ref.reviewId, assignmentId: ref.assignmentId, packageName: review.packageName },
        );
      }
      await client.views.open({
        trigger_id: click.triggerId,
        view: reviewReasonModal({
          metadata: { ...ref, origin: click.origin },
          subject: itemSubject(item, click.userId),
          packageName: review.packageName,
          deadline: review.deadline,
        }),
      });
    } catch (error) {
      const notice = refusalNotice(explain(error, log, { value: click.value }));
      await answerReviewAction(
        ctx,
        client,
        { userId: click.userId, reviewId, packageName: null },
        click.origin,
        notice,
      );
    }
  });
}
