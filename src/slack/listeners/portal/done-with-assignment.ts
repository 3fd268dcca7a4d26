import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import type { Notice } from '../../../../views/portal/notice.js';
import { removedSentence } from '../../../../views/portal/outcomes.js';
import { removeMyAssignment } from '../../../services/requests/assignments.js';
import { myAssignments } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { answerAccessAction } from './answers.js';
import { idFromValue, noticeFor, parseClick } from './click.js';

/** "I'm done" (confirmed in Slack's dialog): the person gives up their access now. */
export function register(app: App, ctx: SlackContext): void {
  app.action(ACTION.doneWithAssignment, async ({ ack, body, client }) => {
    await ack();
    const click = parseClick(body);
    const log = ctx.log.child({ slackUser: click.userId, action: ACTION.doneWithAssignment });
    let notice: Notice;
    try {
      const assignmentId = idFromValue(click.value);
      await ensureUser(ctx, client, click.userId);
      const held = (await myAssignments(ctx.engine, click.userId)).find(
        (a) => a.assignmentId === assignmentId,
      );
      const result = await removeMyAssignment(ctx.engine, { userId: click.userId }, { assignmentId });
      ctx.afterChange();
      notice = { kind: 'done', text: removedSentence(held?.packageName ?? 'that package', result.request) };
    } catch (error) {
      notice = noticeFor(error, log, { value: click.value });
    }
    await answerAccessAction(ctx, client, click.userId, click.origin, notice);
  });
}
