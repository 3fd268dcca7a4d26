import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import type { JobObserver } from '../jobs/runner.js';
import type { Metrics } from './metrics.js';
import { LAGGING_JOBS, oldestDue } from './store-probes.js';

const count = z.number().int().min(0);
const deliveryReport = z.object({
  delivered: count,
  failed: count,
  abandoned: count,
  skipped: count,
  canceled: count,
});
const outboxReport = z.object({ sent: count, retried: count, dead: count });

/**
 * The job runner's metrics: each run's duration and failure; at each tick, how late each job's
 * oldest due item is (one query); deliveries and DMs by outcome from the delivery and outbox
 * jobs' reports.
 */
export function jobObserver(metrics: Metrics, store: { database: Database; clock: Clock }): JobObserver {
  return {
    async tickStarting() {
      const now = store.clock.now();
      const due = await oldestDue(store.database.db, now);
      for (const job of LAGGING_JOBS) {
        const at = due[job];
        if (at) metrics.jobLag(job, (now.getTime() - at.getTime()) / 1000);
      }
    },
    jobFinished(job, run) {
      metrics.jobRan(job, run.seconds, run.failed);
      if (job === 'delivery') {
        const report = deliveryReport.safeParse(run.result);
        if (report.success) metrics.deliveries(report.data);
      } else if (job === 'outbox') {
        const report = outboxReport.safeParse(run.result);
        if (report.success) metrics.notifications(report.data);
      }
    },
  };
}
