import { deleteExpiredPackageDrafts } from '../services/catalog/package-drafts.js';
import type { EngineDeps } from '../services/context.js';
import { deliverDue } from '../services/lifecycle/delivery-runner.js';
import { runDueWork } from '../services/lifecycle/due-work.js';
import { expireDueAssignments } from '../services/lifecycle/expiry.js';
import { type DispatchOptions, dispatchOutbox } from '../services/lifecycle/outbox.js';
import { type MembershipReader, reconcileResources } from '../services/lifecycle/reconcile.js';
import { applyDueReviews } from '../services/reviews/apply-review.js';
import { startRecurringReviews } from '../services/reviews/recurring-reviews.js';
import { remindReviewers } from '../services/reviews/review-reminders.js';
import type { Job } from './runner.js';

/**
 * The engine's scheduled work, in the order one tick runs it: what falls due (reminders,
 * escalations, time-outs, scheduled starts), expiry, reviews, then delivery of the grants and
 * revokes all of that queued, then the DMs. Each job claims its rows with row locks and leases,
 * so any number of replicas can tick at once.
 */
export function engineJobs(
  deps: EngineDeps,
  outbox?: DispatchOptions,
  reconcile?: { reader: MembershipReader; everyMs: number },
  ldapSync?: { reader: MembershipReader; everyMs: number },
): Job[] {
  const jobs: Job[] = [
    { name: 'due-work', run: () => runDueWork(deps) },
    { name: 'expiry', run: () => expireDueAssignments(deps) },
    { name: 'review-start', run: () => startRecurringReviews(deps) },
    { name: 'review-remind', run: () => remindReviewers(deps) },
    { name: 'review-apply', run: () => applyDueReviews(deps) },
    { name: 'package-drafts', run: () => deleteExpiredPackageDrafts(deps) },
    { name: 'delivery', run: () => drain(() => deliverDue(deps, { limit: 500 })) },
  ];
  if (reconcile) {
    jobs.splice(jobs.length - 1, 0, {
      name: 'reconcile',
      run: () => reconcileResources(deps, reconcile.reader),
      minIntervalMs: reconcile.everyMs,
    });
  }
  if (ldapSync) {
    // Like Entra's group writeback cycle: LDAP groups compared with the active assignments.
    jobs.splice(jobs.length - 1, 0, {
      name: 'ldap-sync',
      run: () => reconcileResources(deps, ldapSync.reader, ['ldap_group']),
      minIntervalMs: ldapSync.everyMs,
    });
  }
  if (outbox) jobs.push({ name: 'outbox', run: () => drain(() => dispatchOutbox(deps, outbox)) });
  return jobs;
}

/**
 * Repeats a batch until it claims nothing, so one tick catches up on everything due; returns the
 * batches' reports summed (the metrics count deliveries and DMs by outcome from it).
 */
async function drain<R extends { claimed: number }>(batch: () => Promise<R>): Promise<R> {
  let total: R | null = null;
  for (;;) {
    const report = await batch();
    total = total ? sumReports(total, report) : report;
    if (report.claimed === 0) return total;
  }
}

function sumReports<R extends { claimed: number }>(a: R, b: R): R {
  const sum = { ...a } as Record<string, unknown>;
  for (const [key, value] of Object.entries(b)) {
    if (typeof value === 'number' && typeof sum[key] === 'number') sum[key] = (sum[key] as number) + value;
  }
  return sum as R;
}
