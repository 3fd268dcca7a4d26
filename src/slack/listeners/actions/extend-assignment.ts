import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import { extendJustificationModal } from '../../../../views/portal/extend-modal.js';
import { extendedSentence } from '../../../../views/portal/outcomes.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { extendAssignment } from '../../../services/requests/assignments.js';
import type { SlackContext } from '../../context.js';
import { onAccessAction } from '../../portal/access-action.js';

/**
 * Extend (Home tab, `/access my`): extends at once, or sends an extension request to the
 * approvers; when the policy wants a justification for it, asks for one in a modal.
 */
export function register(app: App, ctx: SlackContext): void {
  onAccessAction(app, ctx, ACTION.extendAssignment, async ({ click, client, assignmentId, held }) => {
    const packageName = held?.packageName ?? 'your access';
    try {
      const result = await extendAssignment(ctx.engine, { userId: click.userId }, { assignmentId });
      return { kind: 'done', mrkdwn: extendedSentence(packageName, result) };
    } catch (error) {
      // Not a refusal to show: the policy wants a justification, and the modal asks for it.
      if (!isGatehouseError(error, 'policy.justification_required')) throw error;
      await client.views.open({
        trigger_id: click.triggerId,
        view: extendJustificationModal({ metadata: { assignmentId, origin: click.origin }, packageName }),
      });
      return null;
    }
  });
}
