import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { packageAssignmentsReply } from '../../../../commands/admin/assignments.js';
import { packageListModal } from '../../../../views/admin/package-assignments.js';
import { ACTION } from '../../../../views/ids.js';
import { mention, userText } from '../../../../views/mrkdwn.js';
import { type Notice, noticeBlock, noticeText } from '../../../../views/notice.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { formatRequestId } from '../../../domain/states.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import { removeAssignment } from '../../../services/requests/assignments.js';
import { getRequest } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { explain, refusalNotice } from '../../refusals.js';

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
export function register(app: App, ctx: SlackContext): void {
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
        const request = await getRequest(ctx.engine, actor, removed.requestId);
        notice = {
          kind: 'done',
          mrkdwn: `${mention(request.userId)} no longer has ${userText(request.packageName, 150)} (${formatRequestId(removed.requestId)}).`,
        };
      } catch (error) {
        notice = refusalNotice(explain(error, ctx.log, { value: action.value }));
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
        // The list can't be shown again (the package is gone, say): what happened, alone. A
        // failure is logged once there; the person is told what was done, not that nothing was.
        if (!isGatehouseError(error)) explain(error, ctx.log, { packageId: parsed.data.packageId });
        reply = { text: noticeText(notice), blocks: [noticeBlock(notice)] };
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
