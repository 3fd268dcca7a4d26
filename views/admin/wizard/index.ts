import type { ModalView } from '@slack/types';
import { basicsBlocks, readBasics } from './basics.js';
import type { WizardDraft, WizardStep } from './draft.js';
import { lifecycleBlocks, readLifecycle } from './lifecycle.js';
import { questionsBlocks, readQuestions } from './questions.js';
import { readRequests, requestsBlocks } from './requests.js';
import { readResources, resourcesBlocks } from './resources.js';
import { reviewBlocks } from './review.js';
import { type WizardData, wizardModal } from './shell.js';
import type { StateValues, StepReading } from './state.js';

export type { WizardData } from './shell.js';

/** The modal for the draft's current step. */
export function wizardStepView(draft: WizardDraft, data: WizardData): ModalView {
  switch (draft.step) {
    case 'basics':
      return wizardModal(draft, basicsBlocks(draft, data));
    case 'resources':
      return wizardModal(draft, resourcesBlocks(draft, data));
    case 'requests':
      return wizardModal(draft, requestsBlocks(draft, data));
    case 'questions':
      return wizardModal(draft, questionsBlocks(draft, data));
    case 'lifecycle':
      return wizardModal(draft, lifecycleBlocks(draft, data));
    case 'review':
      return wizardModal(draft, reviewBlocks(draft, data));
  }
}

/** Reads what the person entered on `step` into the draft, or the field errors to show. */
export function readWizardStep(
  step: WizardStep,
  values: StateValues,
  draft: WizardDraft,
  data: WizardData,
): StepReading<WizardDraft> {
  switch (step) {
    case 'basics':
      return readBasics(values, draft, data);
    case 'resources':
      return readResources(values, draft, data);
    case 'requests':
      return readRequests(values, draft);
    case 'questions':
      return readQuestions(values, draft, data);
    case 'lifecycle':
      return readLifecycle(values, draft, data);
    case 'review':
      return { ok: true, draft };
  }
}

/**
 * The input a step reports a problem on when the draft no longer fits private_metadata
 * (an input block_id, so Slack shows it as a field error).
 */
export const OVERFLOW_FIELD: Record<WizardStep, string | null> = {
  basics: 'description',
  resources: 'resources',
  requests: 'requestor_users',
  questions: 'question_1',
  lifecycle: 'reviewer_ids',
  review: null,
};
