import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { awaitingApprovals } from '../../../commands/requests/approvals.js';
import { APPROVALS_BLOCK_PREFIX, approvalsListView } from '../../../views/requests/approvals-list.js';
import { decisionReasonModal } from '../../../views/requests/decision-reason-modal.js';
import { decisionValueSchema } from '../../../views/requests/values.js';
import { isGatehouseError, sentence, typed } from '../../domain/errors.js';
import { getRequest } from '../../services/requests/request-queries.js';
import { decideRequest, recordRefusal } from '../../services/requests/requests.js';
import { clickedValue, staleButton, tellClicker } from '../click.js';
import type { SlackContext } from '../context.js';
import { ensureUser } from '../directory.js';
import { ephemeralReply, explain } from '../refusals.js';

type DecisionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Approve or Deny on a card or in `/access approvals` (the approve-request and deny-request
 * listeners). The value carries only the request id and the stage the button was for; the engine
 * re-reads the request and re-checks everything (self-approval, approver of the current stage,
 * stage still open). Approve decides at once unless the stage asks approvers for a reason; Deny
 * always asks for one. Either way the engine is asked first, so a click that may not decide is
 * refused before any modal opens: the person gets the reason, ephemeral, and the refusal is
 * audited. Nothing else changes.
 */
export async function handleDecisionClick(
  ctx: SlackContext,
  args: DecisionArgs,
  decision: 'approve' | 'deny',
): Promise<void> {
  const { ack, body, action, client } = args;
  await ack();
  const actor = { userId: body.user.id };
  const log = ctx.log.child({ slackUser: actor.userId, decision });
  const parsed = decisionValueSchema.safeParse(clickedValue(action));
  if (!parsed.success) {
    const stale = staleButton(
      sentence`That button is out of date: ${typed('/access approvals')} lists what waits on you.`,
    );
    await tellClicker(ctx, args, ephemeralReply(explain(stale, log)));
    return;
  }
  const { requestId, stage } = parsed.data;
  try {
    await ensureUser(ctx, client, actor.userId);
    // Without a reason the engine either decides (an approval that needs none) or, once every
    // other check passed, answers request.reason_required: then the reason modal opens.
    try {
      await decideRequest(ctx.engine, actor, { requestId, decision, stage });
    } catch (error) {
      if (!isGatehouseError(error, 'request.reason_required')) throw error;
      const request = await getRequest(ctx.engine, actor, requestId);
      await client.views.open({
        trigger_id: body.trigger_id,
        view: decisionReasonModal({
          requestId,
          stage,
          decision,
          request: request.request,
          packageName: request.packageName,
          requestor: request.userId,
          justification: request.justification,
        }),
      });
      return;
    }
    if (fromApprovalsList(action)) await refreshApprovalsList(ctx, args);
  } catch (error) {
    await tellClicker(ctx, args, ephemeralReply(explain(error, log, { requestId })));
    if (isGatehouseError(error)) {
      await recordRefusal(ctx.engine, actor, error, { requestId }).catch((failure: unknown) =>
        log.error({ err: failure, requestId }, 'could not audit a refused click'),
      );
    }
  }
}

function fromApprovalsList(action: unknown): boolean {
  const blockId = (action as { block_id?: unknown }).block_id;
  return typeof blockId === 'string' && blockId.startsWith(APPROVALS_BLOCK_PREFIX);
}

/** The ephemeral `/access approvals` list the click came from, redrawn without what was decided. */
async function refreshApprovalsList(ctx: SlackContext, args: DecisionArgs): Promise<void> {
  if (!args.body.response_url) return;
  try {
    const list = approvalsListView(await awaitingApprovals(ctx.engine, args.body.user.id));
    await args.respond({ response_type: 'ephemeral', replace_original: true, ...list });
  } catch (error) {
    ctx.log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'could not redraw the approvals list',
    );
  }
}
