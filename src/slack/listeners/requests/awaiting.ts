import type { AwaitingApproval } from '../../../../views/requests/approvals-list.js';
import { requestsAwaiting } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';

/** What waits on this approver, shaped for the approvals list. */
export async function awaitingApprovals(ctx: SlackContext, approverId: string): Promise<AwaitingApproval[]> {
  const rows = await requestsAwaiting(ctx.engine, approverId);
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
