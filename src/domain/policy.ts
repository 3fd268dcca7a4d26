import { z } from 'zod';

/** When an assignment made under a policy ends. Everything is UTC. */
export const expirySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(3650) }),
  z.object({ kind: z.literal('hours'), hours: z.number().int().min(1).max(8760) }),
  z.object({ kind: z.literal('date'), date: z.coerce.date() }),
]);
export type Expiry = z.infer<typeof expirySchema>;

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD');
const slackUsergroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id like S0123ABCD');

export const approvalStageSchema = z.object({
  approverUserIds: z.array(slackUserId).max(25).default([]),
  approverUsergroupIds: z.array(slackUsergroupId).max(10).default([]),
  fallbackUserIds: z.array(slackUserId).max(25).default([]),
  fallbackUsergroupIds: z.array(slackUsergroupId).max(10).default([]),
  /** A stage not decided within this many days ends the request as timed out. */
  decideWithinDays: z.number().int().min(1).max(14).default(14),
  /** After this many days without a decision the fallback approvers are added; null: never. */
  escalateAfterDays: z.number().int().min(1).max(13).nullable().default(null),
  justificationRequired: z.boolean().default(false),
});
export type ApprovalStage = z.infer<typeof approvalStageSchema>;

export const questionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_]{1,40}$/),
    text: z.string().trim().min(1).max(300),
    kind: z.enum(['text', 'choice']),
    required: z.boolean().default(true),
    choices: z.array(z.string().trim().min(1).max(75)).max(100).default([]),
    regex: z.string().max(200).nullable().default(null),
  })
  .refine((q) => q.kind !== 'choice' || q.choices.length >= 2, {
    message: 'A choice question needs at least two choices.',
    path: ['choices'],
  })
  .refine((q) => q.regex === null || isValidRegex(q.regex), {
    message: 'The pattern is not a valid regular expression.',
    path: ['regex'],
  });
export type Question = z.infer<typeof questionSchema>;

export const extensionSchema = z.object({
  allowed: z.boolean().default(false),
  requiresApproval: z.boolean().default(true),
  maxCount: z.number().int().min(0).max(20).default(1),
  /** Extensions may be asked for once this fraction of the assignment has elapsed. */
  windowFraction: z.number().min(0).max(1).default(0.5),
});
export type ExtensionSettings = z.infer<typeof extensionSchema>;

export const reviewSettingsSchema = z
  .object({
    recurrenceDays: z.number().int().min(7).max(366),
    durationDays: z.number().int().min(1).max(60).default(14),
    reviewerMode: z.enum(['self', 'specific']),
    reviewerIds: z.array(slackUserId).max(25).default([]),
    defaultDecision: z.enum(['keep', 'remove', 'recommendation']).default('keep'),
  })
  .refine((s) => s.reviewerMode === 'self' || s.reviewerIds.length > 0, {
    message: 'Name at least one reviewer.',
    path: ['reviewerIds'],
  });
export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

export const REQUESTOR_SCOPES = ['none', 'specific', 'all_members'] as const;
export type RequestorScope = (typeof REQUESTOR_SCOPES)[number];

export const DEFAULT_POLICY_NAME = 'Initial policy';
export const DEFAULT_REMINDER_OFFSETS_HOURS = [14 * 24, 24];

/** Everything a policy says, as stored and as snapshotted onto each request submitted under it. */
export const policySettingsSchema = z.object({
  name: z.string().trim().min(1).max(80).default(DEFAULT_POLICY_NAME),
  requestorScope: z.enum(REQUESTOR_SCOPES).default('specific'),
  requestorUserIds: z.array(slackUserId).max(500).default([]),
  requestorUsergroupIds: z.array(slackUsergroupId).max(50).default([]),
  /** Lets the named people and groups request although Slack counts them external (Slack Connect). */
  allowExternalRequestors: z.boolean().default(false),
  requestsEnabled: z.boolean().default(true),
  justificationRequired: z.boolean().default(true),
  approvalStages: z.array(approvalStageSchema).max(3).default([]),
  questions: z.array(questionSchema).max(10).default([]),
  expiry: expirySchema.default({ kind: 'days', days: 365 }),
  customTimeline: z.boolean().default(true),
  extension: extensionSchema.default({
    allowed: false,
    requiresApproval: true,
    maxCount: 1,
    windowFraction: 0.5,
  }),
  reminderOffsetsHours: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(24 * 365),
    )
    .max(5)
    .default(DEFAULT_REMINDER_OFFSETS_HOURS),
  review: reviewSettingsSchema.nullable().default(null),
});
export type PolicySettings = z.infer<typeof policySettingsSchema>;
export type PolicySettingsInput = z.input<typeof policySettingsSchema>;

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Who the workspace counts as a "member" for the every-member scope. */
export interface Requestor {
  userId: string;
  kind: 'member' | 'guest' | 'bot';
  isExternal: boolean;
  deactivated: boolean;
  usergroupIds: readonly string[];
}

export type EligibilityReason =
  | 'eligible'
  | 'requests_disabled'
  | 'admin_only'
  | 'not_in_scope'
  | 'not_a_member';

export function requestEligibility(policy: PolicySettings, requestor: Requestor): EligibilityReason {
  if (requestor.deactivated || requestor.kind === 'bot') return 'not_a_member';
  // Someone from another organisation only ever by name (or group), on a policy that says so.
  const externalAllowed = policy.requestorScope === 'specific' && policy.allowExternalRequestors;
  if (requestor.isExternal && !externalAllowed) return 'not_a_member';
  if (policy.requestorScope === 'none') return 'admin_only';
  if (policy.requestorScope === 'all_members') {
    if (requestor.kind !== 'member') return 'not_a_member';
  } else {
    const named = policy.requestorUserIds.includes(requestor.userId);
    const inGroup = requestor.usergroupIds.some((g) => policy.requestorUsergroupIds.includes(g));
    if (!named && !inGroup) return 'not_in_scope';
  }
  return policy.requestsEnabled ? 'eligible' : 'requests_disabled';
}

export function eligibilityMessage(
  reason: Exclude<EligibilityReason, 'eligible'>,
  packageName: string,
): string {
  switch (reason) {
    case 'requests_disabled':
      return `${packageName} isn't taking requests right now. Ask an admin.`;
    case 'admin_only':
      return `You can't request ${packageName}: only an admin can assign it. Ask an admin.`;
    case 'not_in_scope':
      return `You can't request ${packageName}: it is only for specific people. Ask an admin.`;
    case 'not_a_member':
      return `You can't request ${packageName}: it is only for members of this workspace. Ask an admin.`;
  }
}
