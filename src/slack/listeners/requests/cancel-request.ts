import type { App, BlockAction } from '@slack/bolt';
import { section } from '../../../../views/blocks.js';
import { ACTION } from '../../../../views/ids.js';
import { refusalReply, SOMETHING_WENT_WRONG } from '../../../../views/requests/refusal.js';
import { requestValueSchema } from '../../../../views/requests/values.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { cancelRequest, recordRefusal } from '../../../services/requests/requests.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { noteRefused } from '../../observe/scope.js';
import { clickedValue, tellClicker } from './tell-clicker.js';

/**
 * Cancel on the requestor's card or a list of their requests (ACTION.cancelRequest, value =
 * request id). The card itself is redrawn through the outbox once the cancel is told.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(ACTION.cancelRequest, async (args) => {
    const { ack, body, action, client } = args;
    await ack();
    const actor = { userId: body.user.id };
    const parsed = requestValueSchema.safeParse(clickedValue(action));
    if (!parsed.success) {
      await tellClicker(
        ctx,
        args,
        refusalReply('That button is out of date. `/access cancel R-1042` cancels a request.'),
      );
      return;
    }
    const requestId = parsed.data;
    try {
      await ensureUser(ctx, client, actor.userId);
      const result = await cancelRequest(ctx.engine, actor, { requestId });
      ctx.afterChange();
      const text = `:wastebasket: ${result.request} was canceled.`;
      await tellClicker(ctx, args, { text, blocks: [section(text)] });
    } catch (error) {
      if (isGatehouseError(error)) {
        noteRefused();
        await tellClicker(ctx, args, refusalReply(error.message));
        await recordRefusal(ctx.engine, actor, error, { requestId }).catch((failure: unknown) =>
          ctx.log.error({ err: failure, requestId }, 'could not audit a refused click'),
        );
        return;
      }
      ctx.log.error({ err: error, requestId }, 'canceling a request failed');
      await tellClicker(ctx, args, { text: SOMETHING_WENT_WRONG, blocks: [section(SOMETHING_WENT_WRONG)] });
    }
  });
}
