import type { KnownBlock } from '@slack/types';
import { actions, button, context, header, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { formatDateTime, mention, truncate, userText } from '../mrkdwn.js';
import { decisionValue } from './values.js';

/** One request waiting on the approver, as `/access approvals` lists it. */
export interface AwaitingApproval {
  requestId: number;
  request: string;
  packageName: string;
  requestor: string;
  justification: string | null;
  stage: number;
  stages: number;
  reason: string;
  isFallback: boolean;
  dueAt: Date | string | null;
}

/** Each request takes a section and an actions block; a message holds 50 blocks. */
export const APPROVALS_SHOWN = 20;

export const APPROVALS_BLOCK_PREFIX = 'approvals_';

/** The block_id of a listed request's buttons. */
export function approvalsActionsBlockId(requestId: number, stage: number): string {
  return `${APPROVALS_BLOCK_PREFIX}${requestId}_${stage}`;
}

/** `/access approvals`: what waits on me, each with Approve and Deny. */
export function approvalsListView(items: readonly AwaitingApproval[]): {
  text: string;
  blocks: KnownBlock[];
} {
  if (items.length === 0) {
    const text = 'Nothing waits on you: no request needs your approval right now.';
    return { text, blocks: [section(`:white_check_mark: ${text}`)] };
  }
  const shown = items.slice(0, APPROVALS_SHOWN);
  const blocks: KnownBlock[] = [header(`Waiting on you (${items.length})`)];
  for (const item of shown) {
    const stage = item.stages > 1 ? ` · stage ${item.stage} of ${item.stages}` : '';
    const due = item.dueAt ? ` · decide by ${formatDateTime(item.dueAt)}` : '';
    const why = `you approve as ${userText(item.reason, 100)}${item.isFallback ? ' (escalated)' : ''}`;
    const justification = item.justification
      ? `\n>${userText(item.justification, 300).replaceAll('\n', ' ')}`
      : '';
    blocks.push(
      section(
        `*${userText(item.packageName, 150)}* for ${mention(item.requestor)} · ${item.request}${stage}${due}\n_${why}_${justification}`,
      ),
    );
    const value = decisionValue(item.requestId, item.stage);
    blocks.push(
      actions(approvalsActionsBlockId(item.requestId, item.stage), [
        button('Approve', ACTION.approveRequest, value, 'primary'),
        button('Deny', ACTION.denyRequest, value, 'danger'),
      ]),
    );
  }
  if (items.length > shown.length) {
    blocks.push(context(`Showing the ${shown.length} due soonest of ${items.length}.`));
  }
  const text = truncate(
    `${items.length} request${items.length === 1 ? '' : 's'} wait${items.length === 1 ? 's' : ''} on you: ${shown.map((i) => i.request).join(', ')}`,
    3000,
  );
  return { text, blocks };
}
