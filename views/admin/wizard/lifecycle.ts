import type { KnownBlock, PlainTextOption } from '@slack/types';
import { context } from '../../blocks.js';
import { datepicker, input, multiUsers, numberInput, option, radio, staticSelect, yesNo } from '../inputs.js';
import { type ExpiryDraft, type ReviewDecisionDefault, WIZARD_LIMITS, type WizardDraft } from './model.js';
import type { WizardData } from './shell.js';
import {
  dateOf,
  type FieldErrors,
  optionOf,
  type StateValues,
  type StepReading,
  usersOf,
  wholeNumberOf,
} from './state.js';

const RECURRENCES: [number, string][] = [
  [7, 'Every week'],
  [30, 'Every month'],
  [90, 'Every quarter'],
  [182, 'Every six months'],
  [365, 'Every year'],
];
const DEFAULTS: [ReviewDecisionDefault, string][] = [
  ['keep', 'Keep their access'],
  ['remove', 'Remove their access'],
  ['recommendation', 'Follow the recommendation'],
];

function recurrenceOptions(current: number | undefined): PlainTextOption[] {
  const options = RECURRENCES.map(([days, label]) => option(label, String(days)));
  if (current !== undefined && !RECURRENCES.some(([days]) => days === current)) {
    options.push(option(`Every ${current} days`, String(current)));
  }
  return options;
}

/** Step 5: when access ends, custom timelines, extensions and access reviews. */
export function lifecycleBlocks(draft: WizardDraft, _data: WizardData): KnownBlock[] {
  const e = draft.expiry;
  const review = draft.review;
  return [
    input(
      'expiry',
      'Access expires',
      radio(
        'expiry',
        [
          option('Never', 'never'),
          option('After a number of days', 'days'),
          option('After a number of hours', 'hours'),
          option('On a date', 'date'),
        ],
        e.kind,
      ),
    ),
    input(
      'expiry_days',
      'Number of days',
      numberInput('expiry_days', { initial: e.kind === 'days' ? e.days : null, min: 1, max: 3650 }),
      { optional: true, hint: 'With "After a number of days".' },
    ),
    input(
      'expiry_hours',
      'Number of hours',
      numberInput('expiry_hours', { initial: e.kind === 'hours' ? e.hours : null, min: 1, max: 8760 }),
      { optional: true, hint: 'With "After a number of hours".' },
    ),
    input('expiry_date', 'End date', datepicker('expiry_date', e.kind === 'date' ? e.date : null), {
      optional: true,
      hint: 'With "On a date": everyone loses access that day (UTC).',
    }),
    input(
      'custom_timeline',
      'Requestors can ask for a specific timeline',
      yesNo('custom_timeline', draft.customTimeline),
      { hint: 'A start and an end date of their own, within the expiry.' },
    ),
    context('*Extensions*'),
    input(
      'extension_allowed',
      'Users can extend their access',
      yesNo('extension_allowed', draft.extension.allowed),
    ),
    input(
      'extension_approval',
      'Extensions need approval',
      yesNo('extension_approval', draft.extension.requiresApproval),
      { optional: true },
    ),
    input(
      'extension_max',
      'Extensions per assignment',
      numberInput('extension_max', { initial: draft.extension.maxCount || 1, min: 1, max: 20 }),
      { optional: true },
    ),
    context('*Access reviews*'),
    input('access_reviews', 'Require access reviews', yesNo('access_reviews', review !== null)),
    input(
      'review_recurrence',
      'How often',
      staticSelect(
        'review_recurrence',
        recurrenceOptions(review?.recurrenceDays),
        String(review?.recurrenceDays ?? 90),
      ),
      { optional: true },
    ),
    input(
      'reviewers',
      'Reviewers',
      radio(
        'reviewers',
        [option('The people themselves (self-review)', 'self'), option('Specific reviewers', 'specific')],
        review?.reviewerMode ?? 'self',
      ),
      { optional: true },
    ),
    input(
      'reviewer_ids',
      'Specific reviewers',
      multiUsers('reviewer_ids', review?.reviewerIds ?? [], 'Pick people', WIZARD_LIMITS.reviewers),
      {
        optional: true,
        hint: `With "Specific reviewers". Up to ${WIZARD_LIMITS.reviewers}.`,
      },
    ),
    input(
      'review_default',
      'If a reviewer does not answer',
      staticSelect(
        'review_default',
        DEFAULTS.map(([value, label]) => option(label, value)),
        review?.defaultDecision ?? 'keep',
      ),
      { optional: true },
    ),
  ];
}

function readExpiry(values: StateValues, now: Date, errors: FieldErrors): ExpiryDraft | null {
  switch (optionOf(values, 'expiry')) {
    case 'never':
      return { kind: 'never' };
    case 'days': {
      const days = wholeNumberOf(values, 'expiry_days');
      if (typeof days !== 'number' || days < 1 || days > 3650) {
        errors.expiry_days = 'How many days? From 1 to 3650.';
        return null;
      }
      return { kind: 'days', days };
    }
    case 'hours': {
      const hours = wholeNumberOf(values, 'expiry_hours');
      if (typeof hours !== 'number' || hours < 1 || hours > 8760) {
        errors.expiry_hours = 'How many hours? From 1 to 8760.';
        return null;
      }
      return { kind: 'hours', hours };
    }
    case 'date': {
      const date = dateOf(values, 'expiry_date');
      if (!date) {
        errors.expiry_date = 'Pick the end date.';
        return null;
      }
      if (new Date(`${date}T00:00:00Z`).getTime() <= now.getTime()) {
        errors.expiry_date = 'Pick a date after today.';
        return null;
      }
      return { kind: 'date', date };
    }
    default:
      errors.expiry = 'Choose when access expires.';
      return null;
  }
}

export function readLifecycle(
  values: StateValues,
  draft: WizardDraft,
  data: WizardData,
): StepReading<WizardDraft> {
  const errors: FieldErrors = {};
  const expiry = readExpiry(values, data.now, errors);
  const allowed = optionOf(values, 'extension_allowed') === 'yes';
  const maxCount = wholeNumberOf(values, 'extension_max');
  if (allowed && (maxCount === 'invalid' || (maxCount !== null && (maxCount < 1 || maxCount > 20)))) {
    errors.extension_max = 'Give a number from 1 to 20.';
  }
  let review: WizardDraft['review'] = null;
  if (optionOf(values, 'access_reviews') === 'yes') {
    const recurrence = Number(optionOf(values, 'review_recurrence') ?? 90);
    const mode = optionOf(values, 'reviewers') === 'specific' ? 'specific' : 'self';
    const reviewerIds = usersOf(values, 'reviewer_ids');
    if (mode === 'specific' && reviewerIds.length === 0) errors.reviewer_ids = 'Pick at least one reviewer.';
    if (reviewerIds.length > WIZARD_LIMITS.reviewers) {
      errors.reviewer_ids = `Pick at most ${WIZARD_LIMITS.reviewers} reviewers.`;
    }
    const fallback = optionOf(values, 'review_default');
    review = {
      recurrenceDays: Number.isInteger(recurrence) && recurrence >= 7 && recurrence <= 366 ? recurrence : 90,
      reviewerMode: mode,
      reviewerIds: mode === 'specific' ? reviewerIds : [],
      defaultDecision: DEFAULTS.some(([value]) => value === fallback)
        ? (fallback as ReviewDecisionDefault)
        : 'keep',
    };
  }
  if (Object.keys(errors).length > 0 || !expiry) return { ok: false, errors };
  return {
    ok: true,
    draft: {
      ...draft,
      expiry,
      customTimeline: optionOf(values, 'custom_timeline') === 'yes',
      extension: {
        allowed,
        requiresApproval: optionOf(values, 'extension_approval') !== 'no',
        maxCount: typeof maxCount === 'number' ? maxCount : 1,
      },
      review,
    },
  };
}
