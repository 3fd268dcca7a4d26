import type { App, BlockAction } from '@slack/bolt';
import { section } from '../../../../views/blocks.js';
import { ACTION } from '../../../../views/ids.js';
import { requestValueSchema } from '../../../../views/requests/values.js';
import { isGatehouseError, sentence, typed } from '../../../domain/errors.js';
import { cancelRequest, recordRefusal } from '../../../services/requests/requests.js';
import { clickedValue, staleButton, tellClicker } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { ephemeralReply, explain } from '../../refusals.js';

/**
 * Cancel on the requestor's card or a list of their requests (ACTION.cancelRequest, value =
 * request id). The card itself is redrawn through the outbox once the cancel is told. A refused
 * cancel is told and audited.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(ACTION.cancelRequest, async (args) => {
    const { ack, body, action, client } = args;
    await ack();
    const actor = { userId: body.user.id };
    const parsed = requestValueSchema.safeParse(clickedValue(action));
    if (!parsed.success) {
      const stale = staleButton(
        sentence`That button is out of date. ${typed('/access cancel R-1042')} cancels a request.`,
      );
      await tellClicker(ctx, args, ephemeralReply(explain(stale, ctx.log)));
      return;
    }
    const requestId = parsed.data;
    try {
      await ensureUser(ctx, client, actor.userId);
      const result = await cancelRequest(ctx.engine, actor, { requestId });
      const text = `:wastebasket: ${result.request} was canceled.`;
      await tellClicker(ctx, args, { text, blocks: [section(text)] });
    } catch (error) {
      await tellClicker(ctx, args, ephemeralReply(explain(error, ctx.log, { requestId })));
      if (isGatehouseError(error)) {
        await recordRefusal(ctx.engine, actor, error, { requestId }).catch((failure: unknown) =>
          ctx.log.error({ err: failure, requestId }, 'could not audit a refused click'),
        );
      }
    }
  });
}
