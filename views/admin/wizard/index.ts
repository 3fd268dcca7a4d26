import type { KnownBlock, ModalView } from '@slack/types';
import { basicsBlocks, readBasics } from './basics.js';
import { lifecycleBlocks, readLifecycle } from './lifecycle.js';
import type { WizardDraft } from './model.js';
import type { WizardStep } from './navigation.js';
import { questionsBlocks, readQuestions } from './questions.js';
import { readRequests, requestsBlocks } from './requests.js';
import { readResources, resourcesBlocks } from './resources.js';
import { reviewBlocks } from './review.js';
import { type WizardData, wizardModal } from './shell.js';
import type { StateValues, StepReading } from './state.js';

export type { WizardData } from './shell.js';

/** The modal for the draft's current step; `draftId` is the draft's row in the store. */
export function wizardStepView(draft: WizardDraft, data: WizardData, draftId: string): ModalView {
  return wizardModal(draft, stepBlocks(draft, data), draftId);
}

function stepBlocks(draft: WizardDraft, data: WizardData): KnownBlock[] {
  switch (draft.step) {
    case 'basics':
      return basicsBlocks(draft, data);
    case 'resources':
      return resourcesBlocks(draft, data);
    case 'requests':
      return requestsBlocks(draft, data);
    case 'questions':
      return questionsBlocks(draft, data);
    case 'lifecycle':
      return lifecycleBlocks(draft, data);
    case 'review':
      return reviewBlocks(draft, data);
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
