import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { approvalDecisions, type Request, requestApprovers } from '../../db/schema.js';
import { GatehouseError, person, sentence } from '../../domain/errors.js';
import { describeRequestState, formatRequestId, type RequestState } from '../../domain/states.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { openStage, stageApproverIds } from './approval-stages.js';
import { finishRequest, proceedApproved, type RequestResult } from './approved-requests.js';
import { optionalText, requestIdSchema } from './request-inputs.js';
import { lockRequest, packageName, snapshotOf } from './request-loaders.js';
import { moveRequest } from './request-writer.js';

const decideInput = z.object({
  requestId: requestIdSchema,
  decision: z.enum(['approve', 'deny']),
  reason: optionalText(2000, 'reason'),
  /** The stage the approver's card was for: a card from an earlier stage is stale. */
  stage: z.coerce.number().int().min(1).max(3).optional(),
});

/**
 * An approver of the request's current stage approves or denies it (invariant 2). The request row
 * is locked, so of two approvers clicking at once the second sees the first one's decision.
 * Approving the last stage approves the request: it is scheduled or delivered like one that
 * needed no approval.
 */
export async function decideRequest(deps: EngineDeps, actor: Actor, input: unknown): Promise<RequestResult> {
  const parsed = parseInput(decideInput, input);
  const done = await inTransaction(deps, async (tx, now) => {
    const request = await lockRequest(tx, parsed.requestId);
    const id = formatRequestId(request.id);
    if (
      request.state !== 'pending_approval' ||
      (parsed.stage !== undefined && parsed.stage !== request.stage)
    ) {
      throw await alreadyDecided(tx, request, parsed.stage);
    }
    if (request.userId === actor.userId || request.requestedBy === actor.userId) {
      throw new GatehouseError(
        'request.self_approval',
        `You can't approve or deny your own request (${id}).`,
        {
          requestId: request.id,
        },
      );
    }
    const approvers = await stageApproverIds(tx, request.id, request.stage);
    if (!approvers.includes(actor.userId)) {
      const [earlier] = await tx
        .select({ stage: requestApprovers.stage })
        .from(requestApprovers)
        .where(
          and(
            eq(requestApprovers.requestId, request.id),
            eq(requestApprovers.userId, actor.userId),
            lt(requestApprovers.stage, request.stage),
          ),
        )
        .orderBy(desc(requestApprovers.stage))
        .limit(1);
      if (earlier) throw await alreadyDecided(tx, request, earlier.stage);
      throw new GatehouseError(
        'request.not_approver',
        `You aren't an approver of ${id}${request.stage > 1 ? ` at stage ${request.stage}` : ''}, so you can't decide it.`,
        { requestId: request.id, stage: request.stage },
      );
    }
    const settings = snapshotOf(request)!;
    const stage = settings.approvalStages[request.stage - 1]!;
    if (!parsed.reason && (parsed.decision === 'deny' || stage.justificationRequired)) {
      throw new GatehouseError(
        'request.reason_required',
        parsed.decision === 'deny'
          ? `Say why you deny ${id}: the requestor will see your reason.`
          : `Say why you approve ${id}: this stage asks approvers for a reason.`,
        { requestId: request.id, fields: { reason: 'Give a reason.' } },
      );
    }
    const [decision] = await tx
      .insert(approvalDecisions)
      .values({
        requestId: request.id,
        stage: request.stage,
        approverId: actor.userId,
        decision: parsed.decision,
        reason: parsed.reason ?? null,
        decidedAt: now,
      })
      .onConflictDoNothing({ target: [approvalDecisions.requestId, approvalDecisions.stage] })
      .returning({ id: approvalDecisions.id });
    if (!decision) throw await alreadyDecided(tx, request, request.stage);

    const name = await packageName(tx, request.packageId);
    const decided = { stage: request.stage, decidedBy: actor.userId, reason: parsed.reason ?? null };
    const named = { ...request, packageName: name };

    if (parsed.decision === 'deny') {
      await moveRequest(tx, now, actor, named, {
        to: 'denied',
        set: { stage: 0, closedAt: now, outcomeNote: parsed.reason ?? null },
        audit: decided,
        news: { kind: 'request_denied', decided },
      });
      return {
        requestId: request.id,
        state: 'denied' as RequestState,
        assignmentId: null,
        fulfilmentIds: [],
      };
    }

    if (request.stage < settings.approvalStages.length) {
      const next = request.stage + 1;
      const opened = await openStage(tx, now, actor, request, name, settings, next, {
        audit: { ...decided, approvedStage: request.stage },
        news: {
          kind: 'request_stage_approved',
          decided,
          nextStage: next,
          stages: settings.approvalStages.length,
        },
      });
      if (opened.approvers.length === 0) {
        deps.log.warn({ requestId: request.id, stage: next }, 'approval stage has nobody to decide it');
      }
      return {
        requestId: request.id,
        state: 'pending_approval' as RequestState,
        assignmentId: null,
        fulfilmentIds: [],
      };
    }

    await moveRequest(tx, now, actor, named, {
      to: 'approved',
      set: { stage: 0 },
      audit: decided,
      news: { kind: 'request_approved', decided },
    });
    const proceeded = await proceedApproved(tx, now, actor, request, name, settings);
    return { requestId: request.id, ...proceeded };
  });
  return finishRequest(deps, done);
}

/** `request.already_decided`, naming who decided (the given stage, else the latest) and when. */
async function alreadyDecided(tx: Db, request: Request, stage: number | undefined): Promise<GatehouseError> {
  const id = formatRequestId(request.id);
  const [decision] = await tx
    .select()
    .from(approvalDecisions)
    .where(
      stage === undefined
        ? eq(approvalDecisions.requestId, request.id)
        : and(eq(approvalDecisions.requestId, request.id), eq(approvalDecisions.stage, stage)),
    )
    .orderBy(desc(approvalDecisions.stage))
    .limit(1);
  if (decision) {
    const verb = decision.decision === 'approve' ? 'approved' : 'denied';
    const at = `${decision.decidedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const stageWords = request.stage > 1 || decision.stage > 1 ? ` at stage ${decision.stage}` : '';
    return new GatehouseError(
      'request.already_decided',
      sentence`${id} was already ${verb}${stageWords} by ${person(decision.approverId)} on ${at}.`,
      {
        requestId: request.id,
        decidedBy: decision.approverId,
        decidedAt: decision.decidedAt.toISOString(),
        decision: decision.decision,
        stage: decision.stage,
        state: request.state,
      },
    );
  }
  return new GatehouseError(
    'request.already_decided',
    `${id} is ${describeRequestState(request.state)}: there is nothing left to decide.`,
    { requestId: request.id, state: request.state },
  );
}
