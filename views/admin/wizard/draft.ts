import { z } from 'zod';
import {
  DEFAULT_POLICY_NAME,
  type PolicySettings,
  type PolicySettingsInput,
  type RequestorScope,
} from '../../../src/domain/policy.js';

/** The package wizard's tabs, in the tutorial's order. */
export const WIZARD_STEPS = ['basics', 'resources', 'requests', 'questions', 'lifecycle', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const STEP_TITLES: Record<WizardStep, string> = {
  basics: 'Basics',
  resources: 'Resource roles',
  requests: 'Requests',
  questions: 'Requestor information',
  lifecycle: 'Lifecycle',
  review: 'Review + create',
};

/**
 * What the wizard carries from step to step, in the modal's private_metadata (3000 characters).
 * Its limits keep a full draft within that, so they are tighter than the engine's; a package
 * made elsewhere with more keeps its texts (edit leaves them out of the draft until changed).
 */
export const WIZARD_LIMITS = {
  description: 300,
  usergroups: 5,
  channels: 5,
  webhookRoles: 5,
  requestorUsers: 10,
  requestorGroups: 5,
  stages: 3,
  approvers: 3,
  fallbackApprovers: 3,
  questions: 3,
  questionText: 100,
  choicesText: 200,
  choices: 10,
  regex: 80,
  reviewers: 3,
  incompatible: 10,
  privateMetadata: 3000,
} as const;

export type ResourcePick =
  | { kind: 'slack_usergroup' | 'slack_channel'; externalId: string }
  | { kind: 'webhook'; resourceId: number; role: string };

export interface StageDraft {
  approverUserIds: string[];
  fallbackUserIds: string[];
  decideWithinDays: number;
  justificationRequired: boolean;
}

export interface QuestionDraft {
  text: string;
  kind: 'text' | 'choice';
  required: boolean;
  choices: string[];
  regex: string | null;
}

export type ExpiryDraft =
  | { kind: 'never' }
  | { kind: 'days'; days: number }
  | { kind: 'hours'; hours: number }
  /** `YYYY-MM-DD`, the end of access for everyone (UTC midnight). */
  | { kind: 'date'; date: string };

export type ReviewDecisionDefault = 'keep' | 'remove' | 'recommendation';

export interface ReviewDraft {
  recurrenceDays: number;
  reviewerMode: 'self' | 'specific';
  reviewerIds: string[];
  defaultDecision: ReviewDecisionDefault;
}

export interface WizardDraft {
  step: WizardStep;
  /** Set when editing an existing package (and its first policy). */
  packageId: number | null;
  policyId: number | null;
  name: string;
  /** null while editing: the package's description, unchanged (it may not fit the draft). */
  description: string | null;
  catalogId: number | null;
  hidden: boolean;
  incompatibleIds: number[];
  resources: ResourcePick[];
  requestorScope: RequestorScope;
  requestorUserIds: string[];
  requestorUsergroupIds: string[];
  /** The named people and groups may be Slack Connect users from other organisations. */
  allowExternalRequestors: boolean;
  approvalRequired: boolean;
  stages: StageDraft[];
  justificationRequired: boolean;
  requestsEnabled: boolean;
  /** null while editing: the policy's questions, unchanged. */
  questions: QuestionDraft[] | null;
  expiry: ExpiryDraft;
  customTimeline: boolean;
  extension: { allowed: boolean; requiresApproval: boolean; maxCount: number };
  review: ReviewDraft | null;
}

/** A new package as the tutorial's defaults have it: General, "Initial policy", 365 days. */
export function newDraft(catalogId: number | null): WizardDraft {
  return {
    step: 'basics',
    packageId: null,
    policyId: null,
    name: '',
    description: '',
    catalogId,
    hidden: false,
    incompatibleIds: [],
    resources: [],
    requestorScope: 'specific',
    requestorUserIds: [],
    requestorUsergroupIds: [],
    allowExternalRequestors: false,
    approvalRequired: false,
    stages: [],
    justificationRequired: true,
    requestsEnabled: true,
    questions: [],
    expiry: { kind: 'days', days: 365 },
    customTimeline: true,
    extension: { allowed: false, requiresApproval: true, maxCount: 1 },
    review: null,
  };
}

export function isEditing(draft: WizardDraft): boolean {
  return draft.packageId !== null;
}

export function stepNumber(step: WizardStep): number {
  return WIZARD_STEPS.indexOf(step) + 1;
}

export function nextStep(step: WizardStep): WizardStep {
  return WIZARD_STEPS[Math.min(WIZARD_STEPS.indexOf(step) + 1, WIZARD_STEPS.length - 1)]!;
}

export function previousStep(step: WizardStep): WizardStep {
  return WIZARD_STEPS[Math.max(WIZARD_STEPS.indexOf(step) - 1, 0)]!;
}

// ------------------------------------------------------------------ the wire format

const REVIEW_DEFAULTS = ['keep', 'remove', 'recommendation'] as const;
const SCOPES = ['none', 'specific', 'all_members'] as const;
const ids = z.string().max(3000);
const flag = z.union([z.literal(0), z.literal(1)]);

/**
 * Short keys and comma-joined ids: the draft as stored in private_metadata. Parsed with zod on
 * every submission and click (the metadata comes back from Slack).
 */
const wireSchema = z.object({
  s: z
    .number()
    .int()
    .min(0)
    .max(WIZARD_STEPS.length - 1),
  p: z.number().int().positive().optional(),
  o: z.number().int().positive().optional(),
  n: z.string().max(200),
  d: z.string().max(3000).optional(),
  c: z.number().int().positive().optional(),
  h: flag.optional(),
  i: z.array(z.number().int().positive()).max(100).optional(),
  r: z.array(z.string().max(120)).max(50).optional(),
  q: z.number().int().min(0).max(2),
  u: ids.optional(),
  g: ids.optional(),
  ex: flag.optional(),
  a: flag,
  t: z
    .array(z.tuple([ids, ids, z.number().int().min(1).max(14), flag]))
    .max(3)
    .optional(),
  j: flag,
  e: flag,
  k: z
    .array(z.tuple([z.string().max(300), flag, flag, z.string().max(3000), z.string().max(200)]))
    .max(10)
    .optional(),
  x: z.string().max(20),
  m: flag,
  xt: z.tuple([flag, flag, z.number().int().min(0).max(20)]),
  v: z.tuple([z.number().int().min(1).max(366), flag, ids, z.number().int().min(0).max(2)]).optional(),
});
type Wire = z.infer<typeof wireSchema>;

const bit = (value: boolean): 0 | 1 => (value ? 1 : 0);
const joinIds = (list: readonly string[]) => (list.length ? list.join(',') : undefined);
const splitIds = (text: string | undefined) => (text ? text.split(',').filter(Boolean) : []);

function encodePick(pick: ResourcePick): string {
  if (pick.kind === 'webhook') return `w:${pick.resourceId}:${pick.role}`;
  return `${pick.kind === 'slack_usergroup' ? 'g' : 'c'}:${pick.externalId}`;
}

function decodePick(text: string): ResourcePick | null {
  const webhook = /^w:(\d+):(.+)$/.exec(text);
  if (webhook) return { kind: 'webhook', resourceId: Number(webhook[1]), role: webhook[2]! };
  const slack = /^([gc]):([A-Z0-9]+)$/.exec(text);
  if (!slack) return null;
  return { kind: slack[1] === 'g' ? 'slack_usergroup' : 'slack_channel', externalId: slack[2]! };
}

function encodeExpiry(expiry: ExpiryDraft): string {
  switch (expiry.kind) {
    case 'never':
      return 'n';
    case 'days':
      return `d${expiry.days}`;
    case 'hours':
      return `h${expiry.hours}`;
    case 'date':
      return expiry.date;
  }
}

function decodeExpiry(text: string): ExpiryDraft {
  if (text === 'n') return { kind: 'never' };
  const amount = /^([dh])(\d{1,5})$/.exec(text);
  if (amount) {
    const value = Number(amount[2]);
    return amount[1] === 'd' ? { kind: 'days', days: value } : { kind: 'hours', hours: value };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return { kind: 'date', date: text };
  return { kind: 'days', days: 365 };
}

/** The draft as private_metadata; its length is checked by the caller against the limit. */
export function encodeDraft(draft: WizardDraft): string {
  const wire: Wire = {
    s: WIZARD_STEPS.indexOf(draft.step),
    ...(draft.packageId ? { p: draft.packageId } : {}),
    ...(draft.policyId ? { o: draft.policyId } : {}),
    n: draft.name,
    ...(draft.description !== null ? { d: draft.description } : {}),
    ...(draft.catalogId ? { c: draft.catalogId } : {}),
    ...(draft.hidden ? { h: 1 as const } : {}),
    ...(draft.incompatibleIds.length ? { i: draft.incompatibleIds } : {}),
    ...(draft.resources.length ? { r: draft.resources.map(encodePick) } : {}),
    q: SCOPES.indexOf(draft.requestorScope),
    u: joinIds(draft.requestorUserIds),
    g: joinIds(draft.requestorUsergroupIds),
    ...(draft.allowExternalRequestors ? { ex: 1 as const } : {}),
    a: bit(draft.approvalRequired),
    ...(draft.stages.length
      ? {
          t: draft.stages.map(
            (s) =>
              [
                s.approverUserIds.join(','),
                s.fallbackUserIds.join(','),
                s.decideWithinDays,
                bit(s.justificationRequired),
              ] as [string, string, number, 0 | 1],
          ),
        }
      : {}),
    j: bit(draft.justificationRequired),
    e: bit(draft.requestsEnabled),
    ...(draft.questions !== null
      ? {
          k: draft.questions.map(
            (q) =>
              [q.text, bit(q.kind === 'choice'), bit(q.required), q.choices.join('\n'), q.regex ?? ''] as [
                string,
                0 | 1,
                0 | 1,
                string,
                string,
              ],
          ),
        }
      : {}),
    x: encodeExpiry(draft.expiry),
    m: bit(draft.customTimeline),
    xt: [bit(draft.extension.allowed), bit(draft.extension.requiresApproval), draft.extension.maxCount],
    ...(draft.review
      ? {
          v: [
            draft.review.recurrenceDays,
            bit(draft.review.reviewerMode === 'specific'),
            draft.review.reviewerIds.join(','),
            REVIEW_DEFAULTS.indexOf(draft.review.defaultDecision),
          ] as [number, 0 | 1, string, number],
        }
      : {}),
  };
  return JSON.stringify(wire, (_key, value) => (value === undefined ? undefined : value));
}

/** The draft back from private_metadata; null when it is not one (a forged or stale view). */
export function decodeDraft(metadata: string | undefined | null): WizardDraft | null {
  if (!metadata) return null;
  let json: unknown;
  try {
    json = JSON.parse(metadata);
  } catch {
    return null;
  }
  const parsed = wireSchema.safeParse(json);
  if (!parsed.success) return null;
  const w = parsed.data;
  const resources = (w.r ?? []).map(decodePick);
  if (resources.some((pick) => pick === null)) return null;
  return {
    step: WIZARD_STEPS[w.s]!,
    packageId: w.p ?? null,
    policyId: w.o ?? null,
    name: w.n,
    description: w.d ?? (w.p ? null : ''),
    catalogId: w.c ?? null,
    hidden: w.h === 1,
    incompatibleIds: w.i ?? [],
    resources: resources as ResourcePick[],
    requestorScope: SCOPES[w.q]!,
    requestorUserIds: splitIds(w.u),
    requestorUsergroupIds: splitIds(w.g),
    allowExternalRequestors: w.ex === 1,
    approvalRequired: w.a === 1,
    stages: (w.t ?? []).map(([approvers, fallback, days, justification]) => ({
      approverUserIds: splitIds(approvers),
      fallbackUserIds: splitIds(fallback),
      decideWithinDays: days,
      justificationRequired: justification === 1,
    })),
    justificationRequired: w.j === 1,
    requestsEnabled: w.e === 1,
    questions: w.k
      ? w.k.map(([text, choice, required, choices, regex]) => ({
          text,
          kind: choice === 1 ? 'choice' : 'text',
          required: required === 1,
          choices: choices ? choices.split('\n') : [],
          regex: regex || null,
        }))
      : w.p
        ? null
        : [],
    expiry: decodeExpiry(w.x),
    customTimeline: w.m === 1,
    extension: { allowed: w.xt[0] === 1, requiresApproval: w.xt[1] === 1, maxCount: w.xt[2] },
    review: w.v
      ? {
          recurrenceDays: w.v[0],
          reviewerMode: w.v[1] === 1 ? 'specific' : 'self',
          reviewerIds: splitIds(w.v[2]),
          defaultDecision: REVIEW_DEFAULTS[w.v[3]] ?? 'keep',
        }
      : null,
  };
}

// ------------------------------------------------------------------ draft ↔ policy settings

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

/** A draft that edits an existing package and its first policy; long texts stay out of it. */
export function draftFromPackage(input: {
  package: { id: number; name: string; description: string; catalogId: number; hidden: boolean };
  resourceRoles: readonly {
    resourceId: number;
    kind: ResourcePick['kind'];
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
      rr.kind === 'webhook'
        ? { kind: 'webhook', resourceId: rr.resourceId, role: rr.role }
        : { kind: rr.kind, externalId: rr.externalId };
    const key = encodePick(pick);
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

export function samePicks(a: ResourcePick, b: ResourcePick): boolean {
  return encodePick(a) === encodePick(b);
}

export function pickKey(pick: ResourcePick): string {
  return encodePick(pick);
}
