import type { App } from '@slack/bolt';
import { wizardRefusedView } from '../../../../views/admin/wizard/result.js';
import { ACTION } from '../../../../views/ids.js';
import { isGatehouseError } from '../../../domain/errors.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import type { UsergroupDirectory } from './usergroups.js';
import { openPackageWizard } from './wizard/open.js';

/** The Home tab's "New access package": the wizard, or a small modal saying why not. */
export function registerOpenWizard(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.action(ACTION.openWizard, async ({ ack, body, client }) => {
    await ack();
    const triggerId = 'trigger_id' in body ? body.trigger_id : undefined;
    if (!triggerId) return;
    const userId = body.user.id;
    try {
      await ensureUser(ctx, client, userId);
      const refusal = await openPackageWizard(ctx, client, { userId, triggerId, directory });
      if (refusal)
        await client.views.open({
          trigger_id: triggerId,
          view: wizardRefusedView(refusal),
        });
    } catch (error) {
      if (isGatehouseError(error)) {
        await client.views
          .open({ trigger_id: triggerId, view: wizardRefusedView(error.message) })
          .catch(() => undefined);
        return;
      }
      ctx.log.error({ err: error, userId }, 'opening the package wizard failed');
    }
  });
}
