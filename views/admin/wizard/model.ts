import type { RequestorScope } from '../../../src/domain/policy.js';
import type { WizardStep } from './navigation.js';

/**
 * What the wizard's fields hold. The draft lives in the store between steps (package_drafts), so
 * these are Slack's own limits — a multi-select holds up to 100 items, a text input 3000
 * characters — or the engine's where it is tighter. More people than a select holds: a user group.
 */
export const WIZARD_LIMITS = {
  description: 2000,
  usergroups: 100,
  channels: 100,
  registeredRoles: 100,
  requestorUsers: 100,
  requestorGroups: 50,
  stages: 3,
  approvers: 25,
  fallbackApprovers: 25,
  questions: 10,
  questionText: 300,
  choicesText: 3000,
  choices: 100,
  regex: 200,
  reviewers: 25,
  incompatible: 100,
} as const;

export type ResourcePick =
  | { kind: 'slack_usergroup' | 'slack_channel'; externalId: string }
  /** A resource the catalog holds already, by id, with a role: a webhook app's, or an LDAP group's member. */
  | { kind: 'registered'; resourceId: number; role: string };

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

/** What the wizard carries from step to step (kept in the store, by the modal's draft id). */
export interface WizardDraft {
  step: WizardStep;
  /** Set when editing an existing package (and its first policy). */
  packageId: number | null;
  policyId: number | null;
  name: string;
  /** null while editing: the package's description, unchanged. */
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

/** A resource role as one comparable string: `g:S…`, `c:C…`, `w:<id>:<role>`. */
export function pickKey(pick: ResourcePick): string {
  if (pick.kind === 'registered') return `w:${pick.resourceId}:${pick.role}`;
  return `${pick.kind === 'slack_usergroup' ? 'g' : 'c'}:${pick.externalId}`;
}

/**
 * What of a package made elsewhere (the engine allows more) the wizard's fields can't hold, in
 * words; null when everything fits. Such a package is not opened in the wizard: saving would
 * drop what its selects can't show.
 */
export function wizardOverflow(draft: WizardDraft): string | null {
  const count = (kind: ResourcePick['kind']) => draft.resources.filter((r) => r.kind === kind).length;
  const over: string[] = [];
  if (draft.requestorUserIds.length > WIZARD_LIMITS.requestorUsers) {
    over.push(`more than ${WIZARD_LIMITS.requestorUsers} people who may request`);
  }
  if (draft.requestorUsergroupIds.length > WIZARD_LIMITS.requestorGroups) {
    over.push(`more than ${WIZARD_LIMITS.requestorGroups} user groups who may request`);
  }
  if (count('slack_usergroup') > WIZARD_LIMITS.usergroups) {
    over.push(`more than ${WIZARD_LIMITS.usergroups} user groups`);
  }
  if (count('slack_channel') > WIZARD_LIMITS.channels)
    over.push(`more than ${WIZARD_LIMITS.channels} channels`);
  if (count('registered') > WIZARD_LIMITS.registeredRoles) {
    over.push(`more than ${WIZARD_LIMITS.registeredRoles} app and directory group roles`);
  }
  if (draft.incompatibleIds.length > WIZARD_LIMITS.incompatible) {
    over.push(`more than ${WIZARD_LIMITS.incompatible} incompatible packages`);
  }
  return over.length ? over.join(', ') : null;
}
