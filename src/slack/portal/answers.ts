import type { WebClient } from '@slack/web-api';
import { type Notice, noticeText } from '../../../views/notice.js';
import { myAccessView } from '../../../views/portal/my-access.js';
import type { ClickOrigin } from '../../../views/portal/origin.js';
import { reviewsAwaitingView } from '../../../views/portal/reviews.js';
import { myAssignments, myRequests } from '../../services/requests/request-queries.js';
import { reviewsAwaiting } from '../../services/reviews/review-queries.js';
import { postToResponseUrl } from '../click.js';
import type { SlackContext } from '../context.js';
import { refreshHome } from './home.js';
import { reviewRequestedMessage } from './review-dm.js';

/**
 * After a portal action, the person sees the answer where they clicked: the Home tab is
 * republished with it on top; an ephemeral `/access my` or `/access reviews` answer is replaced
 * by its refreshed self; a review DM is updated, a refusal told beside it. The Home tab is
 * refreshed in every case, so it never shows stale buttons.
 */

/** Extend / I'm done: from the Home tab or `/access my`. */
export async function answerAccessAction(
  ctx: SlackContext,
  client: WebClient,
  userId: string,
  origin: ClickOrigin,
  notice: Notice,
): Promise<void> {
  if (origin.kind === 'home') {
    await refreshHome(ctx, client, userId, { force: true, pages: origin.pages, notice });
    return;
  }
  if (origin.kind === 'ephemeral') {
    const view = myAccessView({
      assignments: await myAssignments(ctx.engine, userId),
      openRequests: await myRequests(ctx.engine, userId, { open: true }),
      notice,
    });
    await postToResponseUrl(origin.responseUrl, { ...view, replace_original: true }, ctx.log);
  } else if (origin.kind === 'message' && origin.responseUrl) {
    await postToResponseUrl(origin.responseUrl, { text: noticeText(notice) }, ctx.log);
  }
  await refreshHome(ctx, client, userId);
}

/** Keep / Remove: from the Home tab, `/access reviews` or the review DM. */
export async function answerReviewAction(
  ctx: SlackContext,
  client: WebClient,
  item: { userId: string; reviewId: number; packageName: string | null },
  origin: ClickOrigin,
  notice: Notice,
): Promise<void> {
  const { userId } = item;
  if (origin.kind === 'home') {
    await refreshHome(ctx, client, userId, { force: true, pages: origin.pages, notice });
    return;
  }
  if (origin.kind === 'ephemeral') {
    const reviews = await reviewsAwaiting(ctx.engine, { userId }, { reviewerId: userId });
    const view = reviewsAwaitingView({ reviews, viewerId: userId, notice });
    await postToResponseUrl(origin.responseUrl, { ...view, replace_original: true }, ctx.log);
  } else if (origin.kind === 'message') {
    // No review id: the button itself was unreadable; the DM is left as it is.
    if (item.reviewId > 0) await updateReviewDm(ctx, client, item, origin);
    if (notice.kind !== 'done' && origin.responseUrl) {
      await postToResponseUrl(origin.responseUrl, { text: noticeText(notice) }, ctx.log);
    }
  }
  await refreshHome(ctx, client, userId);
}

async function updateReviewDm(
  ctx: SlackContext,
  client: WebClient,
  { userId, reviewId, packageName }: { userId: string; reviewId: number; packageName: string | null },
  message: { channel: string; ts: string },
): Promise<void> {
  try {
    const rendered = await reviewRequestedMessage(ctx.engine, {
      recipient: userId,
      data: { reviewId, packageName },
    });
    await client.chat.update({
      channel: message.channel,
      ts: message.ts,
      text: rendered.text,
      blocks: rendered.blocks as never,
    });
  } catch (error) {
    ctx.log.warn(
      { slackUser: userId, reviewId, err: error instanceof Error ? error.message : String(error) },
      'updating the review DM failed',
    );
  }
}
