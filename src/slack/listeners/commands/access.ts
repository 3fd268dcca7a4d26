import type { App } from '@slack/bolt';
import { helpFor } from '../../../../commands/help.js';
import { accessCommands } from '../../../../commands/index.js';
import { routeAccessCommand } from '../../../../commands/router.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { noteRefused, requestLog, showsRefusal } from '../../observe/scope.js';
import { errorReply } from '../../replies.js';
import { refuseForeignWorkspace } from '../../workspace-gate.js';

/**
 * `/access …`: ack at once (Slack waits 3 s at most), then route, run and answer through the
 * response_url, ephemeral: chat.postEphemeral fails in channels the bot is not in.
 */
export function register(app: App, ctx: SlackContext): void {
  app.command('/access', async ({ ack, command, client, respond, context }) => {
    await ack();
    const { command: sub, args } = routeAccessCommand(accessCommands, command.text ?? '');
    // The request's logger: its lines carry the request id, the Slack user and the sub-command.
    const log = requestLog(context, ctx.log);
    let reply: { text: string; blocks?: unknown[] } | null;
    try {
      const foreign = await refuseForeignWorkspace(ctx, {
        teamId: command.team_id,
        enterpriseId: command.enterprise_id,
      });
      if (foreign) {
        noteRefused();
        log.info(
          { team: command.team_id, enterprise: command.enterprise_id },
          'command from another workspace refused',
        );
        await respond({ response_type: 'ephemeral', text: foreign }).catch(() => undefined);
        return;
      }
      await ensureUser(ctx, client, command.user_id);
      reply = sub
        ? await sub.run({
            ctx,
            client,
            userId: command.user_id,
            args,
            triggerId: command.trigger_id,
            channelId: command.channel_id,
          })
        : await helpFor(ctx.engine, command.user_id, accessCommands, command.text?.trim() || undefined);
      if (showsRefusal(reply)) noteRefused();
      ctx.afterChange();
    } catch (error) {
      reply = errorReply(error, log, { text: command.text?.slice(0, 200) });
    }
    if (!reply) return;
    await respond({
      response_type: 'ephemeral',
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks as never } : {}),
    }).catch((error: unknown) =>
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'respond failed'),
    );
  });
}
