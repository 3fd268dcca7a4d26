import type { EngineDeps } from '../services/context.js';
import { deliverDue } from '../services/lifecycle/delivery.js';
import { expireDueAssignments } from '../services/lifecycle/expiry.js';
import type { Job } from './runner.js';

/** The engine's scheduled work, in the order one tick runs it: end what is due, then deliver. */
export function engineJobs(deps: EngineDeps): Job[] {
  return [
    { name: 'expiry', run: () => expireDueAssignments(deps) },
    { name: 'delivery', run: () => drain(() => deliverDue(deps, { limit: 500 })) },
  ];
}

/** Repeats a batch until it claims nothing, so one tick catches up on everything due. */
async function drain(batch: () => Promise<{ claimed: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    const { claimed } = await batch();
    total += claimed;
    if (claimed === 0) return total;
  }
}
