import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import type { UsergroupDirectory } from '../../admin/usergroups.js';
import { openWizardOrRefuse } from '../../admin/wizard-entry.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { errorModal, explain } from '../../refusals.js';

/** The Home tab's "New access package": the wizard, or a small modal saying why not. */
export function register(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.action(ACTION.openWizard, async ({ ack, body, client }) => {
    await ack();
    const triggerId = 'trigger_id' in body ? body.trigger_id : undefined;
    if (!triggerId) return;
    const userId = body.user.id;
    try {
      await ensureUser(ctx, client, userId);
      await openWizardOrRefuse(ctx, client, { userId, triggerId, directory });
    } catch (error) {
      const view = errorModal(explain(error, ctx.log, { slackUser: userId }), { title: 'Access packages' });
      await client.views.open({ trigger_id: triggerId, view }).catch(() => undefined);
    }
  });
}
