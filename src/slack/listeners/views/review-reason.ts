import type { App } from '@slack/bolt';
import { z } from 'zod';
import { CALLBACK } from '../../../../views/ids.js';
import { decisionSubject, reviewDecisionSentence } from '../../../../views/portal/outcomes.js';
import { reviewReasonMetadata } from '../../../../views/portal/review-reason-modal.js';
import { decideReviewItem } from '../../../services/reviews/review-decisions.js';
import { jsonOrNull, staleButton } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { answerReviewAction } from '../../portal/answers.js';
import { awaitingReview } from '../../portal/review-dm.js';
import { explain, fieldErrors, inputBlockIds } from '../../refusals.js';

const REASON_FIELD = 'reason';

const reasonState = z.object({
  [REASON_FIELD]: z.object({ value: z.object({ value: z.string().max(3000).nullish() }) }),
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
    const form = { inputs: inputBlockIds(view), fallback: REASON_FIELD };
    const metadata = reviewReasonMetadata.safeParse(jsonOrNull(view.private_metadata));
    const state = reasonState.safeParse(view.state.values);
    if (!metadata.success || !state.success) {
      const stale = staleButton('This form is out of date: close it and click Remove again.');
      await ack(fieldErrors(explain(stale, log), form) ?? undefined);
      return;
    }
    const { reviewId, assignmentId, origin } = metadata.data;
    const reason = state.data.reason.value.value ?? '';
    let packageName: string | null = null;
    let done: string;
    try {
      packageName = (await awaitingReview(ctx.engine, userId, reviewId))?.packageName ?? null;
      const decided = await decideReviewItem(
        ctx.engine,
        { userId },
        { reviewId, assignmentId, decision: 'remove', reason },
      );
      done = reviewDecisionSentence(
        'remove',
        decisionSubject(decided.userId, userId),
        packageName ?? 'the package',
      );
    } catch (error) {
      await ack(fieldErrors(explain(error, log, { reviewId, assignmentId }), form) ?? undefined);
      return;
    }
    await ack();
    await answerReviewAction(ctx, client, { userId, reviewId, packageName }, origin, {
      kind: 'done',
      mrkdwn: done,
    });
  });
}
