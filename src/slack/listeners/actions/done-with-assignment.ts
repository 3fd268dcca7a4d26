import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import { removedSentence } from '../../../../views/portal/outcomes.js';
import { removeMyAssignment } from '../../../services/requests/assignments.js';
import type { SlackContext } from '../../context.js';
import { onAccessAction } from '../../portal/access-action.js';

/** "I'm done" (confirmed in Slack's dialog): the person gives up their access now. */
export function register(app: App, ctx: SlackContext): void {
  onAccessAction(app, ctx, ACTION.doneWithAssignment, async ({ click, assignmentId, held }) => {
    const result = await removeMyAssignment(ctx.engine, { userId: click.userId }, { assignmentId });
    return { kind: 'done', mrkdwn: removedSentence(held?.packageName ?? 'that package', result.request) };
  });
}
