import { awaitingApprovals } from '../../src/slack/listeners/requests/awaiting.js';
import { approvalsListView } from '../../views/requests/approvals-list.js';
import type { AccessCommand } from '../types.js';

/** `/access approvals`: the requests waiting on me, each with Approve and Deny. */
export const approvalsCommand: AccessCommand = {
  name: 'approvals',
  usage: 'approvals',
  summary: 'requests waiting on your approval, with Approve / Deny',
  audience: 'everyone',
  async run(call) {
    return approvalsListView(await awaitingApprovals(call.ctx, call.userId));
  },
};
