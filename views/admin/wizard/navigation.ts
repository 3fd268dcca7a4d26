/** The package wizard's tabs, in the tutorial's order, and how a view says which one it shows. */
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

export function stepNumber(step: WizardStep): number {
  return WIZARD_STEPS.indexOf(step) + 1;
}

export function nextStep(step: WizardStep): WizardStep {
  return WIZARD_STEPS[Math.min(WIZARD_STEPS.indexOf(step) + 1, WIZARD_STEPS.length - 1)]!;
}

export function previousStep(step: WizardStep): WizardStep {
  return WIZARD_STEPS[Math.max(WIZARD_STEPS.indexOf(step) - 1, 0)]!;
}

const STEP_BLOCK_PREFIX = 'wizard_step_';

/**
 * The block_id of the "Step n of 6" line: it names the step the view shows. The draft lives in
 * the store and may be a step ahead of what the person sees (an ack Slack never got), so a
 * submission is read as the step its view shows, not as the step the store last recorded.
 */
export function stepBlockId(step: WizardStep): string {
  return `${STEP_BLOCK_PREFIX}${step}`;
}

/** The step a wizard view shows (by its step line), or null for a view that is not a step. */
export function stepShownBy(view: { blocks?: unknown } | null | undefined): WizardStep | null {
  const blocks = Array.isArray(view?.blocks) ? (view.blocks as unknown[]) : [];
  for (const block of blocks) {
    const id = (block as { block_id?: unknown } | null)?.block_id;
    if (typeof id !== 'string' || !id.startsWith(STEP_BLOCK_PREFIX)) continue;
    const step = id.slice(STEP_BLOCK_PREFIX.length);
    return (WIZARD_STEPS as readonly string[]).includes(step) ? (step as WizardStep) : null;
  }
  return null;
}
