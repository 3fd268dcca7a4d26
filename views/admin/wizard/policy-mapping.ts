import {
  DEFAULT_POLICY_NAME,
  type PolicySettings,
  type PolicySettingsInput,
} from '../../../src/domain/policy.js';
import { pickKey, type QuestionDraft, type ResourcePick, type WizardDraft } from './model.js';

/** The draft as the engine's policy settings, and an engine package as a draft. */

/** The engine's question ids: short, stable by position. */
export function questionId(index: number): string {
  return `q${index + 1}`;
}

/**
 * The policy the draft describes, as createPackage / editPolicy take it. `current` fills what
 * the draft left unchanged while editing (the questions) and keeps the policy's own name.
 */
export function policySettingsFrom(draft: WizardDraft, current?: PolicySettings): PolicySettingsInput {
  const questions =
    draft.questions === null
      ? (current?.questions ?? [])
      : draft.questions.map((q, index) => ({
          id: questionId(index),
          text: q.text,
          kind: q.kind,
          required: q.required,
          choices: q.kind === 'choice' ? q.choices : [],
          regex: q.kind === 'text' ? q.regex : null,
        }));
  return {
    name: current?.name ?? DEFAULT_POLICY_NAME,
    requestorScope: draft.requestorScope,
    requestorUserIds: draft.requestorScope === 'specific' ? draft.requestorUserIds : [],
    requestorUsergroupIds: draft.requestorScope === 'specific' ? draft.requestorUsergroupIds : [],
    allowExternalRequestors: draft.requestorScope === 'specific' && draft.allowExternalRequestors,
    requestsEnabled: draft.requestsEnabled,
    justificationRequired: draft.justificationRequired,
    approvalStages: draft.approvalRequired
      ? draft.stages.map((stage, index) => {
          const before = current?.approvalStages[index];
          return {
            approverUserIds: stage.approverUserIds,
            approverUsergroupIds: before?.approverUsergroupIds ?? [],
            fallbackUserIds: stage.fallbackUserIds,
            fallbackUsergroupIds: before?.fallbackUsergroupIds ?? [],
            decideWithinDays: stage.decideWithinDays,
            escalateAfterDays:
              before?.escalateAfterDays && before.escalateAfterDays < stage.decideWithinDays
                ? before.escalateAfterDays
                : null,
            justificationRequired: stage.justificationRequired,
          };
        })
      : [],
    questions,
    expiry:
      draft.expiry.kind === 'date'
        ? { kind: 'date', date: new Date(`${draft.expiry.date}T00:00:00Z`) }
        : draft.expiry,
    customTimeline: draft.customTimeline,
    extension: {
      allowed: draft.extension.allowed,
      requiresApproval: draft.extension.requiresApproval,
      maxCount: draft.extension.maxCount,
      windowFraction: current?.extension.windowFraction ?? 0.5,
    },
    ...(current ? { reminderOffsetsHours: current.reminderOffsetsHours } : {}),
    review: draft.review
      ? {
          recurrenceDays: draft.review.recurrenceDays,
          durationDays: current?.review?.durationDays ?? 14,
          reviewerMode: draft.review.reviewerMode,
          reviewerIds: draft.review.reviewerMode === 'specific' ? draft.review.reviewerIds : [],
          defaultDecision: draft.review.defaultDecision,
        }
      : null,
  };
}

/**
 * A draft that edits an existing package and its first policy. Its description and questions stay
 * out (null) until changed, so a Save that leaves them alone never rewrites them.
 */
export function draftFromPackage(input: {
  package: { id: number; name: string; description: string; catalogId: number; hidden: boolean };
  resourceRoles: readonly {
    resourceId: number;
    kind: 'slack_usergroup' | 'slack_channel' | 'webhook' | 'ldap_group';
    externalId: string;
    role: string;
  }[];
  policyId: number;
  settings: PolicySettings;
  incompatibleIds: readonly number[];
}): WizardDraft {
  const s = input.settings;
  const seen = new Set<string>();
  const resources: ResourcePick[] = [];
  for (const rr of input.resourceRoles) {
    const pick: ResourcePick =
      rr.kind === 'webhook' || rr.kind === 'ldap_group'
        ? { kind: 'registered', resourceId: rr.resourceId, role: rr.role }
        : { kind: rr.kind, externalId: rr.externalId };
    const key = pickKey(pick);
    if (seen.has(key)) continue;
    seen.add(key);
    resources.push(pick);
  }
  return {
    step: 'basics',
    packageId: input.package.id,
    policyId: input.policyId,
    name: input.package.name,
    description: null,
    catalogId: input.package.catalogId,
    hidden: input.package.hidden,
    incompatibleIds: [...input.incompatibleIds],
    resources,
    requestorScope: s.requestorScope,
    requestorUserIds: s.requestorUserIds,
    requestorUsergroupIds: s.requestorUsergroupIds,
    allowExternalRequestors: s.allowExternalRequestors,
    approvalRequired: s.approvalStages.length > 0,
    stages: s.approvalStages.map((stage) => ({
      approverUserIds: stage.approverUserIds,
      fallbackUserIds: stage.fallbackUserIds,
      decideWithinDays: stage.decideWithinDays,
      justificationRequired: stage.justificationRequired,
    })),
    justificationRequired: s.justificationRequired,
    requestsEnabled: s.requestsEnabled,
    questions: null,
    expiry:
      s.expiry.kind === 'date' ? { kind: 'date', date: s.expiry.date.toISOString().slice(0, 10) } : s.expiry,
    customTimeline: s.customTimeline,
    extension: {
      allowed: s.extension.allowed,
      requiresApproval: s.extension.requiresApproval,
      maxCount: s.extension.maxCount,
    },
    review: s.review
      ? {
          recurrenceDays: s.review.recurrenceDays,
          reviewerMode: s.review.reviewerMode,
          reviewerIds: s.review.reviewerIds,
          defaultDecision: s.review.defaultDecision,
        }
      : null,
  };
}

/** The draft's questions as the engine stores them, for showing or comparing. */
export function questionsAsDrafts(questions: PolicySettings['questions']): QuestionDraft[] {
  return questions.map((q) => ({
    text: q.text,
    kind: q.kind,
    required: q.required,
    choices: q.choices,
    regex: q.regex,
  }));
}
