import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type Request, requestApprovers } from '../../db/schema.js';
import {
  escalates,
  noApproversMessage,
  resolveStageApprovers,
  type StageApprover,
  type StageResolution,
  stageUsergroupIds,
} from '../../domain/approval.js';
import { GatehouseError } from '../../domain/errors.js';
import { type Notification, notification, requestSubject } from '../../domain/notifications.js';
import type { PolicySettings } from '../../domain/policy.js';
import type { Actor } from '../context.js';
import { notify } from '../notify.js';
import { groupMembers } from './request-loaders.js';
import { moveRequest, type RequestNews } from './request-writer.js';

const DAY_MS = 86_400_000;

/**
 * Resolves every stage's approvers for this requestor up front; a stage nobody but the requestor
 * could decide refuses the request (`policy.no_approvers`) before anything is written.
 */
export async function planStages(
  tx: Db,
  settings: PolicySettings,
  requestorId: string,
  packageName: string,
): Promise<StageResolution[]> {
  const members = await groupMembers(tx, stageUsergroupIds(settings.approvalStages));
  return settings.approvalStages.map((stage, index) => {
    const resolution = resolveStageApprovers(stage, members, requestorId);
    if (resolution.approvers.length === 0) {
      throw new GatehouseError(
        'policy.no_approvers',
        noApproversMessage(packageName, index + 1, resolution.requestorSkipped),
        { stage: index + 1 },
      );
    }
    return resolution;
  });
}

export type StageRequest = Pick<
  Request,
  | 'id'
  | 'packageId'
  | 'userId'
  | 'type'
  | 'justification'
  | 'answers'
  | 'startAt'
  | 'endAt'
  | 'state'
  | 'stage'
>;

/** What an approval card shows; answers carry their question's words. */
export function requestCardData(request: StageRequest, packageName: string, settings: PolicySettings) {
  return {
    ...requestSubject(request, packageName),
    type: request.type,
    requestor: request.userId,
    justification: request.justification,
    answers: settings.questions
      .filter((q) => request.answers[q.id] !== undefined)
      .map((q) => ({ id: q.id, question: q.text, answer: request.answers[q.id] })),
    startAt: request.startAt?.toISOString() ?? null,
    endAt: request.endAt?.toISOString() ?? null,
    stages: settings.approvalStages.length,
  };
}

/**
 * Starts approval stage `stageNumber` (1-based): its approvers (resolved now unless given), the
 * stage's deadlines, the move to `pending_approval` (audited with `audit`, the stage and its
 * approvers; `news` tells what ended the stage before) and an `approval_needed` DM to each approver.
 * A stage with nobody left to decide (membership changed since submit) times out at its deadline.
 */
export async function openStage(
  tx: Db,
  now: Date,
  actor: Actor,
  request: StageRequest,
  packageName: string,
  settings: PolicySettings,
  stageNumber: number,
  options: { given?: StageResolution; audit?: Record<string, unknown>; news?: RequestNews } = {},
): Promise<{ approvers: StageApprover[]; dueAt: Date; escalateAt: Date | null }> {
  const stage = settings.approvalStages[stageNumber - 1]!;
  const resolution =
    options.given ??
    resolveStageApprovers(stage, await groupMembers(tx, stageUsergroupIds([stage])), request.userId);
  const { approvers } = resolution;
  if (approvers.length > 0) {
    await tx.insert(requestApprovers).values(
      approvers.map((a) => ({
        requestId: request.id,
        stage: stageNumber,
        userId: a.userId,
        isFallback: a.isFallback,
        reason: a.reason,
        addedAt: now,
      })),
    );
  }
  const dueAt = new Date(now.getTime() + stage.decideWithinDays * DAY_MS);
  const escalateAt = escalates(stage, resolution)
    ? new Date(now.getTime() + stage.escalateAfterDays! * DAY_MS)
    : null;
  await moveRequest(
    tx,
    now,
    actor,
    { ...request, packageName },
    {
      to: 'pending_approval',
      set: {
        stage: stageNumber,
        stageStartedAt: now,
        stageDueAt: dueAt,
        stageEscalateAt: escalateAt,
        stageEscalatedAt: null,
      },
      audit: { ...options.audit, stage: stageNumber, approvers: approvers.map((a) => a.userId) },
      ...(options.news ? { news: options.news } : {}),
      notify: approvalRequests(request, packageName, settings, stageNumber, approvers, {
        dueAt: dueAt.toISOString(),
      }),
    },
  );
  return { approvers, dueAt, escalateAt };
}

/** `approval_needed` to the given approvers of a stage, one per person and stage. */
function approvalRequests(
  request: StageRequest,
  packageName: string,
  settings: PolicySettings,
  stageNumber: number,
  approvers: readonly StageApprover[],
  extra: { dueAt: string },
): Notification[] {
  const card = requestCardData(request, packageName, settings);
  return approvers.map((a) =>
    notification('approval_needed', a.userId, {
      ...card,
      ...extra,
      stage: stageNumber,
      reason: a.reason,
      isFallback: a.isFallback,
    }),
  );
}

/** `approval_escalated` to the fallback approvers added to a stage that nobody decided in time. */
export async function tellEscalatedApprovers(
  tx: Db,
  now: Date,
  request: StageRequest,
  packageName: string,
  settings: PolicySettings,
  stageNumber: number,
  approvers: readonly StageApprover[],
  extra: { dueAt: string | null; firstApprovers: string[] },
): Promise<void> {
  const card = requestCardData(request, packageName, settings);
  await notify(
    tx,
    now,
    ...approvers.map((a) =>
      notification('approval_escalated', a.userId, {
        ...card,
        ...extra,
        stage: stageNumber,
        reason: a.reason,
        isFallback: a.isFallback,
      }),
    ),
  );
}

export async function stageApproverIds(tx: Db, requestId: number, stage: number): Promise<string[]> {
  const rows = await tx
    .select({ userId: requestApprovers.userId })
    .from(requestApprovers)
    .where(and(eq(requestApprovers.requestId, requestId), eq(requestApprovers.stage, stage)))
    .orderBy(requestApprovers.addedAt, requestApprovers.userId);
  return rows.map((r) => r.userId);
}
