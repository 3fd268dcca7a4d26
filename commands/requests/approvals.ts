import type { EngineDeps } from '../../src/services/context.js';
import { requestsAwaiting } from '../../src/services/requests/request-queries.js';
import { type AwaitingApproval, approvalsListView } from '../../views/requests/approvals-list.js';
import type { AccessCommand } from '../types.js';

/** What waits on this approver, shaped for the approvals list (also redrawn after a decision). */
export async function awaitingApprovals(deps: EngineDeps, approverId: string): Promise<AwaitingApproval[]> {
  const rows = await requestsAwaiting(deps, approverId);
  return rows.map((row) => ({
    requestId: row.requestId,
    request: 'request' in row ? row.request : `R-${row.requestId}`,
    packageName: row.packageName,
    requestor: 'requestor' in row ? row.requestor : '',
    justification: 'justification' in row ? row.justification : null,
    stage: row.stage,
    stages: 'stages' in row ? row.stages : row.stage,
    reason: row.reason,
    isFallback: row.isFallback,
    dueAt: row.dueAt,
  }));
}

/** `/access approvals`: the requests waiting on me, each with Approve and Deny. */
export const approvalsCommand: AccessCommand = {
  name: 'approvals',
  usage: 'approvals',
  summary: 'requests waiting on your approval, with Approve / Deny',
  audience: 'everyone',
  async run(call) {
    return approvalsListView(await awaitingApprovals(call.engine, call.userId));
  },
};
