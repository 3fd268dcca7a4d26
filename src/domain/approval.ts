import type { ApprovalStage } from './policy.js';

/** Who decides a stage, and why they do (shown on the approval card). */
export interface StageApprover {
  userId: string;
  reason: string;
  isFallback: boolean;
}

/** Cached user group membership: group id → member user ids. */
export type GroupMembers = ReadonlyMap<string, readonly string[]>;

export interface StageResolution {
  approvers: StageApprover[];
  /** The requestor was an approver of this stage and was left out. */
  requestorSkipped: boolean;
  /** Nobody else was left, so the fallback approvers decide from the start. */
  usedFallback: boolean;
}

export const NAMED_APPROVER = 'named approver';
export const FALLBACK_APPROVER = 'fallback approver';

export function memberOfReason(usergroupId: string): string {
  return `member of ${usergroupId}`;
}

/** Every user group the stages name, approvers and fallbacks alike, once each. */
export function stageUsergroupIds(stages: readonly ApprovalStage[]): string[] {
  const ids = stages.flatMap((s) => [...s.approverUsergroupIds, ...s.fallbackUsergroupIds]);
  return [...new Set(ids)];
}

function collect(
  userIds: readonly string[],
  usergroupIds: readonly string[],
  members: GroupMembers,
  reasonFor: (groupId: string | null) => string,
  isFallback: boolean,
): StageApprover[] {
  const seen = new Map<string, StageApprover>();
  for (const userId of userIds) {
    if (!seen.has(userId)) seen.set(userId, { userId, reason: reasonFor(null), isFallback });
  }
  for (const groupId of usergroupIds) {
    for (const userId of members.get(groupId) ?? []) {
      if (!seen.has(userId)) seen.set(userId, { userId, reason: reasonFor(groupId), isFallback });
    }
  }
  return [...seen.values()];
}

/** The stage's own approvers: named people first, then members of its user groups. */
export function primaryApprovers(stage: ApprovalStage, members: GroupMembers): StageApprover[] {
  return collect(
    stage.approverUserIds,
    stage.approverUsergroupIds,
    members,
    (groupId) => (groupId ? memberOfReason(groupId) : NAMED_APPROVER),
    false,
  );
}

/** The stage's fallback approvers, without the requestor and without anyone in `exclude`. */
export function fallbackApprovers(
  stage: ApprovalStage,
  members: GroupMembers,
  requestorId: string,
  exclude: readonly string[] = [],
): StageApprover[] {
  return collect(
    stage.fallbackUserIds,
    stage.fallbackUsergroupIds,
    members,
    () => FALLBACK_APPROVER,
    true,
  ).filter((a) => a.userId !== requestorId && !exclude.includes(a.userId));
}

/**
 * Who decides a stage for this requestor. A requestor never approves their own request: they
 * are skipped; when that leaves nobody, the fallback approvers decide; an empty list means the
 * request can't be decided at all (refused at submit as `policy.no_approvers`).
 */
export function resolveStageApprovers(
  stage: ApprovalStage,
  members: GroupMembers,
  requestorId: string,
): StageResolution {
  const primary = primaryApprovers(stage, members);
  const requestorSkipped = primary.some((a) => a.userId === requestorId);
  const approvers = primary.filter((a) => a.userId !== requestorId);
  if (approvers.length > 0) return { approvers, requestorSkipped, usedFallback: false };
  return {
    approvers: fallbackApprovers(stage, members, requestorId),
    requestorSkipped,
    usedFallback: true,
  };
}

/** Whether the stage will ever be escalated: it has fallbacks not already deciding, and a delay. */
export function escalates(stage: ApprovalStage, resolution: StageResolution): boolean {
  const hasFallbacks = stage.fallbackUserIds.length > 0 || stage.fallbackUsergroupIds.length > 0;
  return stage.escalateAfterDays !== null && hasFallbacks && !resolution.usedFallback;
}

export function noApproversMessage(
  packageName: string,
  stageNumber: number,
  requestorSkipped: boolean,
): string {
  return requestorSkipped
    ? `Your request for ${packageName} can't be approved: you are the only approver of stage ${stageNumber} and there are no fallback approvers. Ask an admin.`
    : `Your request for ${packageName} can't be approved: stage ${stageNumber} has nobody who can approve it. Ask an admin.`;
}
