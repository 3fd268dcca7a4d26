import type { ViewOutput } from '@slack/bolt';
import { SlackApiError } from './api-error.js';
import { checkedView, MAX_MODAL_STACK, newHash, recordView, viewOutput } from './methods/views.js';
import type { Workspace } from './workspace.js';

/**
 * What the person sees after the app acks a view_submission. `refused` is an ack Slack rejects:
 * the modal stays as it was and shows "We had some trouble connecting" (e.g. an `errors` key that
 * is not an input block_id, bolt-js#1267).
 */
export type ViewAckOutcome =
  | { outcome: 'closed' }
  | { outcome: 'cleared' }
  | { outcome: 'updated'; view: ViewOutput }
  | { outcome: 'pushed'; view: ViewOutput }
  | { outcome: 'errors'; errors: Record<string, string> }
  | { outcome: 'refused'; reason: string };

type Json = Record<string, unknown>;

export function applyViewSubmissionAck(
  workspace: Workspace,
  viewId: string,
  ack: unknown,
  now: Date,
  warnings: string[],
): ViewAckOutcome {
  const stored = workspace.views.get(viewId);
  const stack = stored ? workspace.modalStack(stored.userId) : [];
  if (!stored || stack[stack.length - 1] !== viewId) {
    return { outcome: 'refused', reason: `view ${viewId} is not the open modal` };
  }
  const body = (typeof ack === 'object' && ack !== null ? ack : {}) as Json;
  switch (body.response_action) {
    case undefined:
      stack.pop();
      workspace.closedViews.add(viewId);
      return { outcome: 'closed' };
    case 'clear':
      for (const id of stack.splice(0)) workspace.closedViews.add(id);
      return { outcome: 'cleared' };
    case 'errors':
      return fieldErrors(stored.view, body.errors);
    case 'update':
    case 'push':
      return replaceOrPush(workspace, stored.userId, stored.view, body, now, warnings);
    default:
      return { outcome: 'refused', reason: `unknown response_action ${String(body.response_action)}` };
  }
}

function fieldErrors(view: ViewOutput, errors: unknown): ViewAckOutcome {
  if (typeof errors !== 'object' || errors === null)
    return { outcome: 'refused', reason: 'errors must be an object' };
  const inputIds = new Set(
    (view.blocks as unknown as Json[])
      .filter((block) => block.type === 'input')
      .map((block) => block.block_id),
  );
  const notInputs = Object.keys(errors).filter((key) => !inputIds.has(key));
  if (notInputs.length) {
    return { outcome: 'refused', reason: `errors keys are not input block_ids: ${notInputs.join(', ')}` };
  }
  return { outcome: 'errors', errors: errors as Record<string, string> };
}

function replaceOrPush(
  workspace: Workspace,
  userId: string,
  current: ViewOutput,
  body: Json,
  now: Date,
  warnings: string[],
): ViewAckOutcome {
  const stack = workspace.modalStack(userId);
  let view: Json;
  try {
    if (typeof body.view !== 'object' || body.view === null) throw new SlackApiError('invalid_arguments');
    view = checkedView(body.view as Json, ['modal'], warnings);
  } catch (error) {
    if (!(error instanceof SlackApiError)) throw error;
    const messages = (error.extra.response_metadata as { messages?: string[] } | undefined)?.messages ?? [];
    return { outcome: 'refused', reason: [error.error, ...messages].join(' ') };
  }
  if (body.response_action === 'update') {
    const output = viewOutput(workspace, view, {
      id: current.id,
      rootViewId: current.root_view_id,
      previousViewId: current.previous_view_id,
      hash: newHash(now),
    });
    recordView(workspace, 'update', userId, output, now);
    return { outcome: 'updated', view: output };
  }
  if (stack.length >= MAX_MODAL_STACK) return { outcome: 'refused', reason: 'push_limit_reached' };
  const id = workspace.nextId('V');
  const output = viewOutput(workspace, view, {
    id,
    rootViewId: stack[0] ?? id,
    previousViewId: current.id,
    hash: newHash(now),
  });
  stack.push(id);
  recordView(workspace, 'push', userId, output, now);
  return { outcome: 'pushed', view: output };
}
