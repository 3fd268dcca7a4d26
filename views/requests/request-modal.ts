import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { formatDuration, maximumEnd } from '../../src/domain/expiry.js';
import type { PolicySettings, Question } from '../../src/domain/policy.js';
import { context, plain, section } from '../blocks.js';
import { ACTION, CALLBACK } from '../ids.js';
import { formatDate, userText } from '../mrkdwn.js';
import type { RequestModalMetadata } from './values.js';

/** Input block_ids of the request modal: the fields' stable names. */
export const REQUEST_FIELDS = {
  policy: 'policy',
  justification: 'justification',
  startDate: 'start_date',
  endDate: 'end_date',
} as const;

export const JUSTIFICATION_MAX = 2000;
export const ANSWER_MAX = 2000;
/** As many as private_metadata carries (values.ts). */
const MAX_POLICY_OPTIONS = 20;

/** The block_id of a policy question's input: `answer_<question id>`. */
export function answerBlockId(questionId: string): string {
  return `answer_${questionId}`;
}

export interface RequestModalPolicy {
  id: number;
  name: string;
  settings: PolicySettings;
}

export interface RequestModalInput {
  package: { id: number; name: string; description: string };
  /** The policies that let this person request the package, highest priority first. */
  policies: readonly RequestModalPolicy[];
  /** The policy the form is built for; the first (highest priority) when absent or unknown. */
  policyId?: number | undefined;
  /** Domain time: the hint says how far the end date may go from today. */
  now: Date;
}

/** The policy a request modal is built for. */
export function selectedPolicy(input: Pick<RequestModalInput, 'policies' | 'policyId'>): RequestModalPolicy {
  const chosen = input.policies.find((p) => p.id === input.policyId) ?? input.policies[0];
  if (!chosen) throw new Error('a request modal needs at least one policy');
  return chosen;
}

/**
 * The one-step request form, built from the applicable policy: a policy select when several
 * apply, the justification (required or not, as the policy says), the policy's questions and,
 * when the policy allows a custom timeline, start and end dates with the maximum in the hint.
 */
export function requestModal(input: RequestModalInput): ModalView {
  const policy = selectedPolicy(input);
  const { settings } = policy;
  const blocks: KnownBlock[] = [packageSection(input.package)];
  if (input.policies.length > 1) blocks.push(policySelect(input.policies, policy));
  blocks.push(justificationInput(settings.justificationRequired));
  for (const question of settings.questions) blocks.push(questionInput(question));
  if (settings.customTimeline) blocks.push(...timelineInputs(settings, input.now));
  blocks.push(context(summaryLine(settings)));
  const metadata: RequestModalMetadata = {
    packageId: input.package.id,
    policyId: policy.id,
    policyIds: input.policies.slice(0, MAX_POLICY_OPTIONS).map((p) => p.id),
    packageName: input.package.name,
    expiries: Object.fromEntries(
      input.policies.slice(0, MAX_POLICY_OPTIONS).map((p) => [String(p.id), p.settings.expiry]),
    ),
  };
  return {
    type: 'modal',
    callback_id: CALLBACK.requestAccess,
    title: plain('Request access', 24),
    submit: plain('Request', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

function packageSection(pkg: RequestModalInput['package']): KnownBlock {
  const description = pkg.description ? `\n${userText(pkg.description, 1000)}` : '';
  return section(`*${userText(pkg.name, 150)}*${description}`);
}

function policySelect(policies: readonly RequestModalPolicy[], chosen: RequestModalPolicy): InputBlock {
  const options = policies.slice(0, MAX_POLICY_OPTIONS).map(policyOption);
  const initial = options.find((o) => o.value === String(chosen.id)) ?? options[0]!;
  return {
    type: 'input',
    block_id: REQUEST_FIELDS.policy,
    dispatch_action: true,
    label: plain('Policy', 2000),
    hint: plain('Each policy asks its own questions and sets its own approval and end date.', 2000),
    element: {
      type: 'static_select',
      action_id: ACTION.choosePolicy,
      options,
      initial_option: initial,
    },
  };
}

function policyOption(policy: RequestModalPolicy): PlainTextOption {
  const stages = policy.settings.approvalStages.length;
  return {
    text: plain(policy.name),
    value: String(policy.id),
    description: plain(
      `${stages === 0 ? 'No approval' : `${stages} approval stage${stages === 1 ? '' : 's'}`} · ${endWords(policy.settings)}`,
    ),
  };
}

function justificationInput(required: boolean): InputBlock {
  return {
    type: 'input',
    block_id: REQUEST_FIELDS.justification,
    optional: !required,
    label: plain('Business justification', 2000),
    hint: plain(
      required ? 'Say why you need this access; approvers read it.' : 'Optional: why you need this access.',
      2000,
    ),
    element: {
      type: 'plain_text_input',
      action_id: REQUEST_FIELDS.justification,
      multiline: true,
      max_length: JUSTIFICATION_MAX,
    },
  };
}

function questionInput(question: Question): InputBlock {
  const block_id = answerBlockId(question.id);
  const base = {
    type: 'input' as const,
    block_id,
    optional: !question.required,
    label: plain(question.text, 2000),
  };
  if (question.kind === 'choice') {
    return {
      ...base,
      element: {
        type: 'static_select',
        action_id: block_id,
        placeholder: plain('Pick one', 150),
        options: question.choices.slice(0, 100).map((choice) => ({ text: plain(choice), value: choice })),
      },
    };
  }
  return {
    ...base,
    ...(question.regex ? { hint: plain(`Expected format: ${question.regex}`, 2000) } : {}),
    element: { type: 'plain_text_input', action_id: block_id, max_length: ANSWER_MAX },
  };
}

function timelineInputs(settings: PolicySettings, now: Date): InputBlock[] {
  return [
    {
      type: 'input',
      block_id: REQUEST_FIELDS.startDate,
      optional: true,
      label: plain('Start date', 2000),
      hint: plain('Leave it empty to start as soon as the request is approved.', 2000),
      element: { type: 'datepicker', action_id: REQUEST_FIELDS.startDate },
    },
    {
      type: 'input',
      block_id: REQUEST_FIELDS.endDate,
      optional: true,
      label: plain('End date', 2000),
      hint: plain(endDateHint(settings, now), 2000),
      element: { type: 'datepicker', action_id: REQUEST_FIELDS.endDate },
    },
  ];
}

/** "At most 30 days (by 2026-02-04 if it starts today)": the longest span the policy allows. */
export function endDateHint(settings: PolicySettings, now: Date): string {
  const { expiry } = settings;
  switch (expiry.kind) {
    case 'never':
      return "Optional: access doesn't expire unless you pick an end date.";
    case 'date':
      return `Access ends on ${formatDate(expiry.date)} at the latest; pick an earlier end if you need less.`;
    default: {
      const latest = maximumEnd(expiry, now);
      return `At most ${formatDuration(expiry)} from the start (by ${formatDate(latest)} if it starts today). Leave it empty for the full ${formatDuration(expiry)}.`;
    }
  }
}

function endWords(settings: PolicySettings): string {
  const { expiry } = settings;
  if (expiry.kind === 'never') return 'no end date';
  if (expiry.kind === 'date') return `ends ${formatDate(expiry.date)}`;
  return `${formatDuration(expiry)}`;
}

function summaryLine(settings: PolicySettings): string {
  const stages = settings.approvalStages.length;
  const approval =
    stages === 0
      ? 'No approval needed: access is set up as soon as you submit.'
      : `Needs approval (${stages} stage${stages === 1 ? '' : 's'}); you'll get a message when it is decided.`;
  const { expiry } = settings;
  const end =
    expiry.kind === 'never'
      ? 'Access has no end date.'
      : expiry.kind === 'date'
        ? `Access ends on ${formatDate(expiry.date)}.`
        : `Access lasts ${formatDuration(expiry)}.`;
  return `${approval} ${end}`;
}
