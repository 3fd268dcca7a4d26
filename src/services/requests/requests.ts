import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { requests } from '../../db/schema.js';
import { GatehouseError, isGatehouseError, person, sentence } from '../../domain/errors.js';
import {
  describeRequestState,
  formatRequestId,
  isOpenRequest,
  type RequestState,
} from '../../domain/states.js';
import { audit } from '../audit.js';
import { loadPackage } from '../catalog/loaders.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { openStage, planStages } from './approval-stages.js';
import { finishRequest, proceedApproved, type RequestResult } from './approved-requests.js';
import {
  checkJustification,
  checkRequestAnswers,
  checkRequestTimeline,
  choosePolicy,
  refuseIfAssigned,
  refuseIfIncompatible,
  refuseIfOpenRequest,
} from './request-checks.js';
import { idSchema, optionalDate, optionalText, requestIdSchema } from './request-inputs.js';
import { lockRequest, lockUser, packageName } from './request-loaders.js';
import { createRequest, moveRequest } from './request-writer.js';

export type { RequestResult } from './approved-requests.js';
export { decideRequest } from './decisions.js';

const submitInput = z.object({
  packageId: idSchema,
  policyId: idSchema.optional(),
  justification: optionalText(2000, 'justification'),
  answers: z.record(z.string(), z.string().max(20_000)).default({}),
  startAt: optionalDate,
  endAt: optionalDate,
});

/**
 * A person asks for an access package for themself (a `user_add` request). It is checked against
 * the policy they may request under, which is snapshotted onto the request; then it waits for
 * approval stage 1, or, needing no approval, is scheduled or delivered right away.
 */
export async function submitRequest(deps: EngineDeps, actor: Actor, input: unknown): Promise<RequestResult> {
  const parsed = parseInput(submitInput, input);
  const done = await inTransaction(deps, async (tx, now) => {
    const subject = { userId: actor.userId, self: true };
    const user = await lockUser(tx, subject);
    const pkg = await loadPackage(tx, parsed.packageId);
    const { policy, settings } = await choosePolicy(tx, pkg, user, parsed.policyId);
    await refuseIfAssigned(tx, subject, pkg);
    await refuseIfOpenRequest(tx, subject, pkg);
    await refuseIfIncompatible(tx, subject, pkg);
    checkJustification(settings, pkg.name, parsed.justification);
    const answers = checkRequestAnswers(settings, parsed.answers);
    checkRequestTimeline(settings, pkg.name, now, parsed.startAt, parsed.endAt);
    const stages = await planStages(tx, settings, user.id, pkg.name);

    const ref = await createRequest(
      tx,
      now,
      actor,
      {
        packageId: pkg.id,
        policyId: policy.id,
        policyVersion: policy.version,
        policySnapshot: settings,
        type: 'user_add',
        state: 'submitted',
        userId: user.id,
        justification: parsed.justification ?? null,
        answers,
        startAt: parsed.startAt ?? null,
        endAt: parsed.endAt ?? null,
      },
      {
        packageName: pkg.name,
        catalogId: pkg.catalogId,
        stages: stages.length,
        audit: {
          policyId: policy.id,
          policyVersion: policy.version,
          justification: parsed.justification ?? null,
          startAt: parsed.startAt?.toISOString() ?? null,
          endAt: parsed.endAt?.toISOString() ?? null,
        },
      },
    );
    if (stages.length > 0) {
      await openStage(tx, now, actor, ref, pkg.name, settings, 1, {
        given: stages[0],
        audit: { requestorSkipped: stages[0]!.requestorSkipped },
      });
      return {
        requestId: ref.id,
        state: 'pending_approval' as RequestState,
        assignmentId: null,
        fulfilmentIds: [],
      };
    }
    await moveRequest(
      tx,
      now,
      actor,
      { ...ref, packageName: pkg.name },
      { to: 'approved', audit: { approval: 'not required' } },
    );
    const proceeded = await proceedApproved(tx, now, actor, ref, pkg.name, settings);
    return { requestId: ref.id, ...proceeded };
  });
  return finishRequest(deps, done);
}

const requestRefInput = z.object({ requestId: requestIdSchema });

/** The requestor withdraws a request that is still open; the stage's approvers are told. */
export async function cancelRequest(deps: EngineDeps, actor: Actor, input: unknown): Promise<RequestResult> {
  const { requestId } = parseInput(requestRefInput, input);
  return inTransaction(deps, async (tx, now) => {
    const request = await lockRequest(tx, requestId);
    const id = formatRequestId(request.id);
    if (request.userId !== actor.userId && request.requestedBy !== actor.userId) {
      throw new GatehouseError(
        'request.not_yours',
        sentence`${id} isn't your request: only ${person(request.userId)} can cancel it.`,
        { requestId },
      );
    }
    if (!isOpenRequest(request.state)) {
      const hint = request.state === 'delivered' ? ' To give up the access, remove it from My Access.' : '';
      throw new GatehouseError(
        'request.not_cancelable',
        `${id} is ${describeRequestState(request.state)}: it can't be canceled any more.${hint}`,
        { requestId, state: request.state },
      );
    }
    const name = await packageName(tx, request.packageId);
    const note = 'canceled by the requestor';
    await moveRequest(
      tx,
      now,
      actor,
      { ...request, packageName: name },
      {
        to: 'canceled',
        set: { stage: 0, closedAt: now, outcomeNote: note },
        audit: { stage: request.stage, note },
        news: { kind: 'request_canceled', note },
      },
    );
    return { requestId: request.id, request: id, state: 'canceled' };
  });
}

/**
 * Records that a click or submission about a request was refused (stale card, forged value):
 * one `request.action_refused` audit row in its own transaction. The refused call changed nothing.
 */
export async function recordRefusal(
  deps: EngineDeps,
  actor: Actor,
  error: unknown,
  input: unknown,
): Promise<void> {
  const { requestId } = parseInput(requestRefInput, input);
  const code = isGatehouseError(error) ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  await inTransaction(deps, async (tx, now) => {
    const [request] = await tx
      .select({ packageId: requests.packageId, userId: requests.userId })
      .from(requests)
      .where(eq(requests.id, requestId));
    await audit(tx, now, actor, {
      action: 'request.action_refused',
      requestId,
      packageId: request?.packageId ?? null,
      subjectUserId: request?.userId ?? null,
      data: { code, message },
    });
  });
}
