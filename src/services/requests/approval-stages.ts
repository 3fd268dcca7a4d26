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
import type { NotificationKind } from '../../domain/notifications.js';
import type { PolicySettings } from '../../domain/policy.js';
import { formatRequestId } from '../../domain/states.js';
import { notify } from '../notify.js';
import { groupMembers, updateRequest } from './request-support.js';

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
  'id' | 'packageId' | 'userId' | 'type' | 'justification' | 'answers' | 'startAt' | 'endAt'
>;

/** What an approval card shows; answers carry their question's words. */
export function requestCardData(request: StageRequest, packageName: string, settings: PolicySettings) {
  return {
    requestId: request.id,
    request: formatRequestId(request.id),
    packageId: request.packageId,
    packageName,
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
 * stage's deadlines on the request row, and an `approval_needed` DM to each approver. A stage with
 * nobody left to decide (membership changed since submit) simply times out at its deadline.
 */
export async function openStage(
  tx: Db,
  now: Date,
  request: StageRequest,
  packageName: string,
  settings: PolicySettings,
  stageNumber: number,
  given?: StageResolution,
): Promise<{ approvers: StageApprover[]; dueAt: Date; escalateAt: Date | null }> {
  const stage = settings.approvalStages[stageNumber - 1]!;
  const resolution =
    given ?? resolveStageApprovers(stage, await groupMembers(tx, stageUsergroupIds([stage])), request.userId);
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
  await updateRequest(tx, now, request.id, {
    state: 'pending_approval',
    stage: stageNumber,
    stageStartedAt: now,
    stageDueAt: dueAt,
    stageEscalateAt: escalateAt,
    stageEscalatedAt: null,
  });
  await tellNewApprovers(tx, now, 'approval_needed', request, packageName, settings, stageNumber, approvers, {
    dueAt: dueAt.toISOString(),
  });
  return { approvers, dueAt, escalateAt };
}

/** `approval_needed` / `approval_escalated` to the given approvers, one key per person and stage. */
export async function tellNewApprovers(
  tx: Db,
  now: Date,
  kind: 'approval_needed' | 'approval_escalated',
  request: StageRequest,
  packageName: string,
  settings: PolicySettings,
  stageNumber: number,
  approvers: readonly StageApprover[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  const card = requestCardData(request, packageName, settings);
  await notify(
    tx,
    now,
    ...approvers.map((a) => ({
      kind,
      recipient: a.userId,
      idempotencyKey: `${kind}:${request.id}:${stageNumber}:${a.userId}`,
      data: { ...card, ...extra, stage: stageNumber, reason: a.reason, isFallback: a.isFallback },
    })),
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

/** Tells a stage's approvers (but `except`) how the request ended, so their cards can be updated. */
export async function tellStageApprovers(
  tx: Db,
  now: Date,
  kind: NotificationKind,
  request: Pick<Request, 'id' | 'packageId' | 'userId'>,
  packageName: string,
  stage: number,
  except: string | null,
  data: Record<string, unknown>,
): Promise<void> {
  if (stage < 1) return;
  const approvers = (await stageApproverIds(tx, request.id, stage)).filter((id) => id !== except);
  await notify(
    tx,
    now,
    ...approvers.map((userId) => ({
      kind,
      recipient: userId,
      idempotencyKey: `${kind}:${request.id}:${stage}:${userId}`,
      data: {
        requestId: request.id,
        request: formatRequestId(request.id),
        packageId: request.packageId,
        packageName,
        requestor: request.userId,
        stage,
        forApprover: true,
        ...data,
      },
    })),
  );
}
