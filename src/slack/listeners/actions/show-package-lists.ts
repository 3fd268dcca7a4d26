import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { packageAssignmentsReply } from '../../../../commands/admin/assignments.js';
import { packageRequestsReply } from '../../../../commands/admin/requests.js';
import { packageListModal } from '../../../../views/admin/package-assignments.js';
import { ACTION } from '../../../../views/ids.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { ephemeralReply, explain } from '../../refusals.js';

const packageIdSchema = z.coerce.number().int().positive();

/**
 * The Home tab's per-package shortcuts (ACTION.showPackageRequests, showPackageAssignments): the
 * same lists as `/access requests` and `/access assignments`, in a modal (the click has no
 * channel to answer in); a refusal is shown in that modal.
 */
export function register(app: App, ctx: SlackContext): void {
  for (const list of ['requests', 'assignments'] as const) {
    const actionId = list === 'requests' ? ACTION.showPackageRequests : ACTION.showPackageAssignments;
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const packageId = packageIdSchema.safeParse(action.value);
      if (!packageId.success) return;
      const actor = { userId: body.user.id };
      let reply: { blocks: KnownBlock[] };
      try {
        await ensureUser(ctx, client, actor.userId);
        const details = await getPackageDetails(ctx.engine, actor, { package: packageId.data });
        const pkg = { id: details.package.id, name: details.package.name };
        reply =
          list === 'requests'
            ? await packageRequestsReply(ctx.engine, actor, pkg)
            : await packageAssignmentsReply(ctx.engine, actor, pkg);
      } catch (error) {
        reply = ephemeralReply(explain(error, ctx.log, { packageId: packageId.data, list }));
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: packageListModal(list === 'requests' ? 'Requests' : 'Assignments', reply.blocks, {
          packageId: packageId.data,
          list,
        }),
      });
    });
  }
}
