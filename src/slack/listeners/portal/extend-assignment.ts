import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import { extendJustificationModal } from '../../../../views/portal/extend-modal.js';
import type { Notice } from '../../../../views/portal/notice.js';
import { extendedSentence } from '../../../../views/portal/outcomes.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { extendAssignment } from '../../../services/requests/assignments.js';
import { myAssignments } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { answerAccessAction } from './answers.js';
import { idFromValue, noticeFor, parseClick } from './click.js';

/**
 * Extend (Home tab, `/access my`): extends at once, or sends an extension request to the
 * approvers; when the policy wants a justification for it, asks for one in a modal.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action(ACTION.extendAssignment, async ({ ack, body, client }) => {
    await ack();
    const click = parseClick(body);
    const log = ctx.log.child({ slackUser: click.userId, action: ACTION.extendAssignment });
    let notice: Notice;
    try {
      const assignmentId = idFromValue(click.value);
      await ensureUser(ctx, client, click.userId);
      const held = (await myAssignments(ctx.engine, click.userId)).find(
        (a) => a.assignmentId === assignmentId,
      );
      const packageName = held?.packageName ?? 'your access';
      try {
        const result = await extendAssignment(ctx.engine, { userId: click.userId }, { assignmentId });
        ctx.afterChange();
        notice = { kind: 'done', text: extendedSentence(packageName, result) };
      } catch (error) {
        if (!isGatehouseError(error, 'policy.justification_required')) throw error;
        await client.views.open({
          trigger_id: click.triggerId,
          view: extendJustificationModal({ metadata: { assignmentId, origin: click.origin }, packageName }),
        });
        return;
      }
    } catch (error) {
      notice = noticeFor(error, log, { value: click.value });
    }
    await answerAccessAction(ctx, client, click.userId, click.origin, notice);
  });
}
