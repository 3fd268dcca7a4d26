import type { KnownBlock } from '@slack/types';
import type { RequestorScope } from '../../../src/domain/policy.js';
import { context } from '../../blocks.js';
import { ACTION } from '../../ids.js';
import {
  checkbox,
  input,
  multiExternalSelect,
  multiUsers,
  numberInput,
  option,
  radio,
  yesNo,
} from '../inputs.js';
import { type StageDraft, WIZARD_LIMITS, type WizardDraft } from './model.js';
import { usergroupOption } from './resources.js';
import type { WizardData } from './shell.js';
import {
  checkedOf,
  type FieldErrors,
  optionOf,
  optionsOf,
  type StateValues,
  type StepReading,
  usersOf,
  wholeNumberOf,
} from './state.js';

const SCOPES: readonly RequestorScope[] = ['specific', 'all_members', 'none'];
const MAX_DAYS = 14;

/** Stage 1's fields are `approvers`, `fallback_approvers`…; stage 2's `approvers_2`… */
export function stageSuffix(index: number): string {
  return index === 0 ? '' : `_${index + 1}`;
}

function stageBlocks(stage: StageDraft | undefined, index: number): KnownBlock[] {
  const sfx = stageSuffix(index);
  const n = index + 1;
  return [
    context(n === 1 ? '*Approval stage 1*' : `*Approval stage ${n}* — leave its approvers empty to skip it`),
    input(
      `approvers${sfx}`,
      `Stage ${n} approvers`,
      multiUsers(`approvers${sfx}`, stage?.approverUserIds ?? [], 'Pick people', WIZARD_LIMITS.approvers),
      {
        optional: true,
        hint:
          n === 1
            ? `Needed when approval is required. Up to ${WIZARD_LIMITS.approvers}.`
            : `Up to ${WIZARD_LIMITS.approvers}.`,
      },
    ),
    input(
      `fallback_approvers${sfx}`,
      `Stage ${n} fallback approvers`,
      multiUsers(
        `fallback_approvers${sfx}`,
        stage?.fallbackUserIds ?? [],
        'Pick people',
        WIZARD_LIMITS.fallbackApprovers,
      ),
      {
        optional: true,
        hint: `Asked instead when the requestor is the only approver. Up to ${WIZARD_LIMITS.fallbackApprovers}.`,
      },
    ),
    input(
      `decide_within_days${sfx}`,
      `Stage ${n}: decide within (days)`,
      numberInput(`decide_within_days${sfx}`, {
        initial: stage?.decideWithinDays ?? MAX_DAYS,
        min: 1,
        max: MAX_DAYS,
      }),
      { optional: true, hint: 'Without a decision by then the request times out.' },
    ),
    input(
      `approver_justification${sfx}`,
      `Stage ${n}: approver's reason`,
      checkbox(
        `approver_justification${sfx}`,
        'Approvers must give a reason',
        stage?.justificationRequired ?? false,
      ),
      { optional: true },
    ),
  ];
}

/** Step 3: who may request, approval stages, justification, enable requests. */
export function requestsBlocks(draft: WizardDraft, data: WizardData): KnownBlock[] {
  return [
    input(
      'requestors',
      'Who can request',
      radio(
        'requestors',
        [
          option('Specific people and user groups', 'specific'),
          option('Every member of the workspace', 'all_members', 'Not guests, Slack Connect users or bots'),
          option('Nobody: admins assign it', 'none'),
        ],
        draft.requestorScope,
      ),
    ),
    input(
      'requestor_users',
      'Specific people',
      multiUsers('requestor_users', draft.requestorUserIds, 'Pick people', WIZARD_LIMITS.requestorUsers),
      {
        optional: true,
        hint: `With "Specific people". Up to ${WIZARD_LIMITS.requestorUsers}; for more, add a user group below.`,
      },
    ),
    input(
      'requestor_groups',
      'Members of these user groups',
      multiExternalSelect(
        ACTION.pickUsergroups,
        draft.requestorUsergroupIds.map((id) => usergroupOption(id, data.usergroupNames)),
        'Type to find a user group',
        WIZARD_LIMITS.requestorGroups,
      ),
      { optional: true, hint: `With "Specific people". Up to ${WIZARD_LIMITS.requestorGroups}.` },
    ),
    input(
      'allow_external',
      'People from other organisations',
      checkbox(
        'allow_external',
        'The people and groups named above may include Slack Connect users',
        draft.allowExternalRequestors,
      ),
      {
        optional: true,
        hint: 'With "Specific people". Off: only members of this workspace can request, whoever is named.',
      },
    ),
    input('approval_required', 'Require approval', yesNo('approval_required', draft.approvalRequired)),
    ...[0, 1, 2].flatMap((index) => stageBlocks(draft.stages[index], index)),
    input(
      'justification',
      'Business justification',
      checkbox('justification', 'Requestors must say why they need it', draft.justificationRequired),
      { optional: true },
    ),
    input('enabled', 'Enable new requests', yesNo('enabled', draft.requestsEnabled), {
      hint: 'No: nobody can request it until you enable requests.',
    }),
  ];
}

export function readRequests(values: StateValues, draft: WizardDraft): StepReading<WizardDraft> {
  const errors: FieldErrors = {};
  const scope = optionOf(values, 'requestors') as RequestorScope | null;
  if (!scope || !SCOPES.includes(scope)) errors.requestors = 'Choose who can request it.';
  const requestorUserIds = usersOf(values, 'requestor_users');
  if (requestorUserIds.length > WIZARD_LIMITS.requestorUsers) {
    errors.requestor_users = `Pick at most ${WIZARD_LIMITS.requestorUsers} people; for more, use a user group.`;
  }
  const requestorUsergroupIds = optionsOf(values, 'requestor_groups');
  if (requestorUsergroupIds.some((id) => !/^S[A-Z0-9]{2,}$/.test(id))) {
    errors.requestor_groups = 'Pick user groups from the list.';
  } else if (requestorUsergroupIds.length > WIZARD_LIMITS.requestorGroups) {
    errors.requestor_groups = `Pick at most ${WIZARD_LIMITS.requestorGroups} user groups.`;
  }
  const approvalRequired = optionOf(values, 'approval_required') === 'yes';
  const stages: StageDraft[] = [];
  for (const index of [0, 1, 2]) {
    const sfx = stageSuffix(index);
    const approvers = usersOf(values, `approvers${sfx}`);
    const fallback = usersOf(values, `fallback_approvers${sfx}`);
    const days = wholeNumberOf(values, `decide_within_days${sfx}`);
    if (!approvalRequired) continue;
    if (approvers.length > WIZARD_LIMITS.approvers) {
      errors[`approvers${sfx}`] = `Pick at most ${WIZARD_LIMITS.approvers} approvers.`;
    }
    if (fallback.length > WIZARD_LIMITS.fallbackApprovers) {
      errors[`fallback_approvers${sfx}`] =
        `Pick at most ${WIZARD_LIMITS.fallbackApprovers} fallback approvers.`;
    }
    if (days === 'invalid' || (days !== null && (days < 1 || days > MAX_DAYS))) {
      errors[`decide_within_days${sfx}`] = `Give a number of days from 1 to ${MAX_DAYS}.`;
    }
    if (approvers.length === 0) {
      if (index === 0) {
        errors.approvers = 'Pick at least one approver, or set Require approval to No.';
      } else if (fallback.length > 0) {
        errors[`fallback_approvers${sfx}`] = `Stage ${index + 1} has no approvers: add some, or clear this.`;
      }
      continue;
    }
    stages.push({
      approverUserIds: approvers,
      fallbackUserIds: fallback,
      decideWithinDays: typeof days === 'number' ? days : MAX_DAYS,
      justificationRequired: checkedOf(values, `approver_justification${sfx}`),
    });
  }
  const enabled = optionOf(values, 'enabled');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    draft: {
      ...draft,
      requestorScope: scope!,
      requestorUserIds: scope === 'specific' ? requestorUserIds : [],
      requestorUsergroupIds: scope === 'specific' ? requestorUsergroupIds : [],
      allowExternalRequestors: scope === 'specific' && checkedOf(values, 'allow_external'),
      approvalRequired,
      stages: approvalRequired ? stages : [],
      justificationRequired: checkedOf(values, 'justification'),
      requestsEnabled: enabled === null ? draft.requestsEnabled : enabled === 'yes',
    },
  };
}
