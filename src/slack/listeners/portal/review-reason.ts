import type { App } from '@slack/bolt';
import { z } from 'zod';
import { CALLBACK } from '../../../../views/ids.js';
import { decisionSubject, reviewDecisionSentence } from '../../../../views/portal/outcomes.js';
import { reviewReasonMetadata } from '../../../../views/portal/review-reason-modal.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { decideReviewItem } from '../../../services/reviews/reviews.js';
import type { SlackContext } from '../../context.js';
import { answerReviewAction } from './answers.js';
import { jsonOrNull } from './click.js';
import { awaitingReview } from './review-dm.js';

const reasonState = z.object({
  reason: z.object({ value: z.object({ value: z.string().max(3000).nullish() }) }),
});

/**
 * The reason modal of a review's Remove. The decision is taken before the ack (DB only), so a
 * refusal (no reason, review over) shows on the field; on success the modal closes and the DM,
 * Home tab or `/access reviews` answer shows the decision.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.reviewReason, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const log = ctx.log.child({ slackUser: userId, view: CALLBACK.reviewReason });
    const metadata = reviewReasonMetadata.safeParse(jsonOrNull(view.private_metadata));
    const state = reasonState.safeParse(view.state.values);
    if (!metadata.success || !state.success) {
      log.warn('unreadable review reason modal');
      await ack({
        response_action: 'errors',
        errors: { reason: 'This form is out of date: close it and click Remove again.' },
      });
      return;
    }
    const { reviewId, assignmentId, origin } = metadata.data;
    const reason = state.data.reason.value.value ?? '';
    let packageName: string | null = null;
    let sentence: string;
    try {
      packageName = (await awaitingReview(ctx.engine, userId, reviewId))?.packageName ?? null;
      const decided = await decideReviewItem(
        ctx.engine,
        { userId },
        { reviewId, assignmentId, decision: 'remove', reason },
      );
      sentence = reviewDecisionSentence(
        'remove',
        decisionSubject(decided.userId, userId),
        packageName ?? 'the package',
      );
    } catch (error) {
      if (!isGatehouseError(error)) log.error({ err: error }, 'review decision from the modal failed');
      const message = isGatehouseError(error)
        ? error.message
        : "Something went wrong on Gatehouse's side and nothing was changed. Try again in a minute.";
      await ack({ response_action: 'errors', errors: { reason: message } });
      return;
    }
    await ack();
    await answerReviewAction(ctx, client, { userId, reviewId, packageName }, origin, {
      kind: 'done',
      text: sentence,
    });
  });
}
