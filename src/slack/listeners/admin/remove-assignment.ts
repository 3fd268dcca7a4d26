import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { packageAssignmentsReply } from '../../../../commands/admin/assignments.js';
import { type Notice, noticeBlock, packageListModal } from '../../../../views/admin/package-assignments.js';
import { engineText } from '../../../../views/engine-text.js';
import { ACTION } from '../../../../views/ids.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { formatRequestId } from '../../../domain/states.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import { removeAssignment } from '../../../services/requests/assignments.js';
import { getRequest } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';

/** `packageId:assignmentId`, as the assignments list writes it. */
const valueSchema = z
  .string()
  .regex(/^\d{1,12}:\d{1,12}$/)
  .transform((value) => {
    const [packageId, assignmentId] = value.split(':').map(Number);
    return { packageId: packageId!, assignmentId: assignmentId! };
  });

/**
 * Remove on an assignments list (a command's answer or the Home shortcut's modal): the engine
 * ends the assignment (or refuses), and the list is shown again with what happened on top.
 */
export function registerRemoveAssignment(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION.removeAssignment,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const parsed = valueSchema.safeParse(action.value);
      if (!parsed.success) return;
      const actor = { userId: body.user.id };
      let notice: Notice;
      try {
        await ensureUser(ctx, client, actor.userId);
        const removed = await removeAssignment(ctx.engine, actor, { assignmentId: parsed.data.assignmentId });
        ctx.afterChange();
        const request = await getRequest(ctx.engine, actor, removed.requestId);
        notice = {
          kind: 'done',
          text: `<@${request.userId}> no longer has ${request.packageName} (${formatRequestId(removed.requestId)}).`,
        };
      } catch (error) {
        if (!isGatehouseError(error)) {
          ctx.log.error({ err: error, value: action.value }, 'Remove on an assignments list failed');
          notice = {
            kind: 'refused',
            text: "Something went wrong on Gatehouse's side; nothing was removed.",
          };
        } else notice = { kind: 'refused', text: error.message };
      }
      let reply: { text: string; blocks: KnownBlock[] };
      try {
        const details = await getPackageDetails(ctx.engine, actor, { package: parsed.data.packageId });
        reply = await packageAssignmentsReply(
          ctx.engine,
          actor,
          { id: details.package.id, name: details.package.name },
          notice,
        );
      } catch (error) {
        if (!isGatehouseError(error)) throw error;
        reply = { text: engineText(notice.text), blocks: [noticeBlock(notice)] };
      }
      if (body.view) {
        await client.views.update({
          view_id: body.view.id,
          view: packageListModal('Assignments', reply.blocks, {
            packageId: parsed.data.packageId,
            list: 'assignments',
          }),
        });
        return;
      }
      await respond({ replace_original: true, text: reply.text, blocks: reply.blocks as never });
    },
  );
}
