import { z } from 'zod';
import { REQUESTOR_SCOPES } from '../../../src/domain/policy.js';
import { WIZARD_LIMITS, type WizardDraft } from './model.js';
import { WIZARD_STEPS } from './navigation.js';

/**
 * The draft as the store keeps it (package_drafts.draft, jsonb) and the modal's private_metadata,
 * which carries only the draft's id. Both come back from outside this process — the store from
 * another replica or release, the metadata from Slack — so both are parsed with zod: anything
 * that is not what the wizard writes reads as no draft ("This form is out of date").
 */

const userIds = (max: number) =>
  z
    .array(z.string().regex(/^[UW][A-Z0-9]{2,}$/))
    .max(max)
    .default([]);
const usergroupIds = (max: number) =>
  z
    .array(z.string().regex(/^S[A-Z0-9]{2,}$/))
    .max(max)
    .default([]);
const id = z.number().int().positive();
const text = (max: number) => z.string().max(max);

const pickSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack_usergroup'), externalId: z.string().regex(/^S[A-Z0-9]{2,}$/) }),
  z.object({ kind: z.literal('slack_channel'), externalId: z.string().regex(/^[CG][A-Z0-9]{2,}$/) }),
  z.object({ kind: z.literal('registered'), resourceId: id, role: text(40).min(1) }),
]);

const questionSchema = z.object({
  text: text(WIZARD_LIMITS.questionText),
  kind: z.enum(['text', 'choice']),
  required: z.boolean(),
  choices: z.array(text(75)).max(WIZARD_LIMITS.choices),
  regex: text(WIZARD_LIMITS.regex).nullable(),
});

const expirySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(3650) }),
  z.object({ kind: z.literal('hours'), hours: z.number().int().min(1).max(8760) }),
  z.object({ kind: z.literal('date'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
]);

/**
 * Bounds a little wider than the fields' (a package edited in the wizard may hold what the engine
 * allows), never unbounded.
 */
const draftSchema = z.object({
  step: z.enum(WIZARD_STEPS),
  packageId: id.nullable(),
  policyId: id.nullable(),
  name: text(200),
  description: text(3000).nullable(),
  catalogId: id.nullable(),
  hidden: z.boolean(),
  incompatibleIds: z.array(id).max(1000),
  resources: z.array(pickSchema).max(1000),
  requestorScope: z.enum(REQUESTOR_SCOPES),
  requestorUserIds: userIds(500),
  requestorUsergroupIds: usergroupIds(50),
  allowExternalRequestors: z.boolean(),
  approvalRequired: z.boolean(),
  stages: z
    .array(
      z.object({
        approverUserIds: userIds(WIZARD_LIMITS.approvers),
        fallbackUserIds: userIds(WIZARD_LIMITS.fallbackApprovers),
        decideWithinDays: z.number().int().min(1).max(14),
        justificationRequired: z.boolean(),
      }),
    )
    .max(WIZARD_LIMITS.stages),
  justificationRequired: z.boolean(),
  requestsEnabled: z.boolean(),
  questions: z.array(questionSchema).max(WIZARD_LIMITS.questions).nullable(),
  expiry: expirySchema,
  customTimeline: z.boolean(),
  extension: z.object({
    allowed: z.boolean(),
    requiresApproval: z.boolean(),
    maxCount: z.number().int().min(0).max(20),
  }),
  review: z
    .object({
      recurrenceDays: z.number().int().min(1).max(366),
      reviewerMode: z.enum(['self', 'specific']),
      reviewerIds: userIds(WIZARD_LIMITS.reviewers),
      defaultDecision: z.enum(['keep', 'remove', 'recommendation']),
    })
    .nullable(),
});

// The schema reads exactly the model: a field added to one and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<z.output<typeof draftSchema>, WizardDraft>;

/** The draft as the store's jsonb holds it: the model itself, as plain JSON. */
export function draftForStore(draft: WizardDraft): Record<string, unknown> {
  return JSON.parse(JSON.stringify(draft)) as Record<string, unknown>;
}

/** The stored draft back, or null when it is not one the wizard could have written. */
export function draftFromStore(stored: unknown): WizardDraft | null {
  const parsed = draftSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

const metadataSchema = z.object({ draftId: z.uuid() }).strict();

/** A wizard modal's private_metadata: the id of its draft in the store, nothing else. */
export function wizardMetadata(draftId: string): string {
  return JSON.stringify({ draftId });
}

/** The draft id a wizard modal carries; null for anything else (a forged or an old view). */
export function draftIdOf(metadata: string | null | undefined): string | null {
  if (!metadata) return null;
  let json: unknown;
  try {
    json = JSON.parse(metadata);
  } catch {
    return null;
  }
  const parsed = metadataSchema.safeParse(json);
  return parsed.success ? parsed.data.draftId : null;
}
