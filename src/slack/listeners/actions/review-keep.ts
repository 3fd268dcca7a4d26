import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import type { Notice } from '../../../../views/notice.js';
import { decisionSubject, reviewDecisionSentence } from '../../../../views/portal/outcomes.js';
import { decideReviewItem } from '../../../services/reviews/review-decisions.js';
import { parseClick, reviewItemFromValue } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { answerReviewAction } from '../../portal/answers.js';
import { awaitingReview } from '../../portal/review-dm.js';
import { explain, refusalNotice } from '../../refusals.js';

/** Keep, in a review (DM, Home tab, `/access reviews`): decided at once, no reason needed. */
export function register(app: App, ctx: SlackContext): void {
  app.action(ACTION.reviewKeep, async ({ ack, body, client }) => {
    await ack();
    const click = parseClick(body);
    const log = ctx.log.child({ slackUser: click.userId, action: ACTION.reviewKeep });
    let notice: Notice;
    let reviewId = 0;
    let packageName: string | null = null;
    try {
      const item = reviewItemFromValue(click.value);
      await ensureUser(ctx, client, click.userId);
      reviewId = item.reviewId;
      packageName = (await awaitingReview(ctx.engine, click.userId, item.reviewId))?.packageName ?? null;
      const decided = await decideReviewItem(
        ctx.engine,
        { userId: click.userId },
        { ...item, decision: 'keep' },
      );
      notice = {
        kind: 'done',
        mrkdwn: reviewDecisionSentence(
          'keep',
          decisionSubject(decided.userId, click.userId),
          packageName ?? 'the package',
        ),
      };
    } catch (error) {
      notice = refusalNotice(explain(error, log, { value: click.value }));
    }
    await answerReviewAction(
      ctx,
      client,
      { userId: click.userId, reviewId, packageName },
      click.origin,
      notice,
    );
  });
}
