import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { deliveryRetriedBlocks } from '../../../../views/admin/delivery-abandoned.js';
import { ACTION } from '../../../../views/ids.js';
import { retryAbandoned } from '../../../services/lifecycle/retry-delivery.js';
import { deliverAfterCommit } from '../../../services/requests/approved-requests.js';
import type { SlackContext } from '../../context.js';
import { ephemeralReply, explain } from '../../refusals.js';

const assignmentIdSchema = z.coerce.number().int().positive();
const sectionTextSchema = z.object({ type: z.literal('section'), text: z.object({ text: z.string() }) });

/**
 * Retry on the admin's "gave up delivering" DM: the given-up grants of that assignment start
 * again from the first attempt and are delivered now; the DM says who retried, without buttons.
 * Only admins get that DM, and only they may press it (the engine refuses anyone else).
 */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION.retryDelivery,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const userId = body.user.id;
      const assignmentId = assignmentIdSchema.safeParse(action.value);
      if (!assignmentId.success) return;
      let ids: number[];
      try {
        ids = await retryAbandoned(ctx.engine, { userId }, { assignmentId: assignmentId.data });
      } catch (error) {
        const reply = ephemeralReply(explain(error, ctx.log, { assignmentId: assignmentId.data }));
        await respond({ response_type: 'ephemeral', replace_original: false, ...reply }).catch(
          (failure: unknown) =>
            ctx.log.warn(
              { err: failure instanceof Error ? failure.message : String(failure) },
              'could not answer a click',
            ),
        );
        return;
      }
      await deliverAfterCommit(ctx.engine, ids, false);
      const message = body.message;
      const channel = body.channel?.id ?? body.container?.channel_id;
      if (!message?.ts || !channel) return;
      const first = sectionTextSchema.safeParse(message.blocks?.[0]);
      const original = first.success ? first.data.text.text : (message.text ?? '');
      await client.chat
        .update({
          channel,
          ts: message.ts,
          text: message.text ?? 'Delivery retried',
          blocks: deliveryRetriedBlocks(original, ids.length, userId) as never,
        })
        .catch((error: unknown) =>
          ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'chat.update failed'),
        );
    },
  );
}
