import type { App, BlockAction } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import { packageValueSchema } from '../../../../views/requests/values.js';
import { GatehouseError, sentence, typed } from '../../../domain/errors.js';
import { requestStanding } from '../../../services/requests/request-queries.js';
import { clickedValue, staleButton, tellClicker } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { ephemeralReply, explain } from '../../refusals.js';
import { findRequestable, openRequestModal } from '../../requests/request-modal.js';

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
    try {
      const parsed = packageValueSchema.safeParse(clickedValue(action));
      if (!parsed.success) {
        throw staleButton(sentence`That button is out of date. Run ${typed('/access request')} again.`);
      }
      await ensureUser(ctx, client, userId);
      const [entry, standing] = await Promise.all([
        findRequestable(ctx, userId, parsed.data),
        requestStanding(ctx.engine, userId),
      ]);
      if (!entry) {
        throw new GatehouseError(
          'package.not_requestable',
          sentence`You can't request that package any more: it changed, or no policy lets you ask for it. ${typed('/access list')} shows what you can request.`,
          { packageId: parsed.data },
        );
      }
      await openRequestModal(ctx, client, { userId, triggerId: body.trigger_id, entry, standing });
    } catch (error) {
      await tellClicker(ctx, args, ephemeralReply(explain(error, ctx.log, { slackUser: userId })));
    }
  });
}
