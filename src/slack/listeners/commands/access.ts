import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { helpFor } from '../../../../commands/help.js';
import { accessCommands } from '../../../../commands/index.js';
import { routeAccessCommand } from '../../../../commands/router.js';
import type { CommandSlack } from '../../../../commands/types.js';
import type { UsergroupDirectory } from '../../admin/usergroups.js';
import { openWizardOrRefuse } from '../../admin/wizard-entry.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { requestLog, trackedRequest } from '../../observe/scope.js';
import { ephemeralReply, explain } from '../../refusals.js';
import { openRequestModal } from '../../requests/request-modal.js';
import { refuseForeignWorkspace } from '../../workspace-gate.js';

/**
 * `/access …`: ack at once (Slack waits 3 s at most), then run the sub-command the text was
 * routed to when the request came in (observe/describe.ts routes it once, for the metrics and
 * for here), and answer through the response_url, ephemeral: chat.postEphemeral fails in
 * channels the bot is not in. A refusal or failure is answered by the error boundary.
 */
export function register(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.command('/access', async ({ ack, command, client, respond, context }) => {
    await ack();
    const { command: sub, args } =
      trackedRequest()?.accessRoute ?? routeAccessCommand(accessCommands, command.text ?? '');
    // The request's logger: its lines carry the request id, the Slack user and the sub-command.
    const log = requestLog(context, ctx.log);
    let reply: { text: string; blocks?: unknown[] } | null;
    try {
      await refuseForeignWorkspace(
        { ...ctx, log },
        {
          teamId: command.team_id,
          enterpriseId: command.enterprise_id,
        },
      );
      await ensureUser(ctx, client, command.user_id);
      reply = sub
        ? await sub.run({
            engine: ctx.engine,
            userId: command.user_id,
            args,
            channelId: command.channel_id,
            slack: slackSide(ctx, client, command.user_id, command.trigger_id, directory),
          })
        : await helpFor(ctx.engine, command.user_id, accessCommands, command.text?.trim() || undefined);
    } catch (error) {
      reply = ephemeralReply(explain(error, log, { text: command.text?.slice(0, 200) }));
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

/** What a sub-command may do in Slack for this call (commands/types.ts). */
function slackSide(
  ctx: SlackContext,
  client: WebClient,
  userId: string,
  triggerId: string,
  directory: UsergroupDirectory,
): CommandSlack {
  return {
    client,
    triggerId,
    lookUpUser: (who) => ensureUser(ctx, client, who),
    async openModal(view) {
      await client.views.open({ trigger_id: triggerId, view });
    },
    openRequestModal: (entry, standing) =>
      openRequestModal(ctx, client, { userId, triggerId, entry, ...(standing ? { standing } : {}) }),
    openPackageWizard: (packageText) =>
      openWizardOrRefuse(ctx, client, {
        userId,
        triggerId,
        directory,
        ...(packageText !== undefined ? { packageText } : {}),
      }),
  };
}
