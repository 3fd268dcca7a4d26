import type { App, BlockAction } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import type { SlackContext } from '../../context.js';
import { handleDecisionClick } from '../../requests/decision-click.js';

/** Deny on a request card or in `/access approvals` (ACTION.denyRequest): opens the reason modal. */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(ACTION.denyRequest, (args) => handleDecisionClick(ctx, args, 'deny'));
}
