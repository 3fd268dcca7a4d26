import type { App, BlockAction } from '@slack/bolt';
import { section } from '../../../../views/blocks.js';
import { ACTION } from '../../../../views/ids.js';
import { refusalReply, SOMETHING_WENT_WRONG } from '../../../../views/requests/refusal.js';
import { packageValueSchema } from '../../../../views/requests/values.js';
import { isGatehouseError } from '../../../domain/errors.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { noteRefused } from '../../observe/scope.js';
import { findRequestable, openRequestModal } from './open-request-modal.js';
import { clickedValue, tellClicker } from './tell-clicker.js';

/**
 * A `Request` button (`/access list`, "Did you mean…", App Home) or a pick in the package pick
 * list (ACTION.requestPackage, value = package id): opens the request modal with the click's
 * trigger, after re-reading what the person may request.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(ACTION.requestPackage, async (args) => {
    const { ack, body, action, client } = args;
    await ack();
    const userId = body.user.id;
    const parsed = packageValueSchema.safeParse(clickedValue(action));
    if (!parsed.success) {
      await tellClicker(ctx, args, refusalReply('That button is out of date. Run `/access request` again.'));
      return;
    }
    try {
      await ensureUser(ctx, client, userId);
      const entry = await findRequestable(ctx, userId, parsed.data);
      if (!entry) {
        const text =
          "You can't request that package any more: it changed, or no policy lets you ask for it. `/access list` shows what you can request.";
        await tellClicker(ctx, args, { text, blocks: [section(`:no_entry: ${text}`)] });
        return;
      }
      const blocked = await openRequestModal(ctx, client, { userId, triggerId: body.trigger_id, entry });
      if (blocked) await tellClicker(ctx, args, { text: blocked, blocks: [section(blocked)] });
    } catch (error) {
      if (isGatehouseError(error)) {
        noteRefused();
        await tellClicker(ctx, args, refusalReply(error.message));
        return;
      }
      ctx.log.error({ err: error, slackUser: userId }, 'could not open the request modal');
      await tellClicker(ctx, args, { text: SOMETHING_WENT_WRONG, blocks: [section(SOMETHING_WENT_WRONG)] });
    }
  });
}
