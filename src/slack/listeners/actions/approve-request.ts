import type { App, BlockAction } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import type { SlackContext } from '../../context.js';
import { handleDecisionClick } from '../../requests/decision-click.js';

/** Approve on a request card or in `/access approvals` (ACTION.approveRequest). */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(ACTION.approveRequest, (args) => handleDecisionClick(ctx, args, 'approve'));
}
