import { type EngineDeps, SYSTEM } from '../context.js';
import { inTransaction } from '../tx.js';
import { expireDueBatch } from './assignment-writer.js';

export const DEFAULT_EXPIRY_BATCH = 5_000;

export interface ExpiryReport {
  expired: number;
  batches: number;
  revokesQueued: number;
}

/**
 * Ends every assignment due at `now` in batches, each batch one short transaction of a few
 * set-based statements (state, revoke fulfilments, reminders, audit, outbox). Rows another runner
 * holds are skipped, so replicas share the work. The revokes are delivered by the delivery job.
 */
export async function expireDueAssignments(
  deps: EngineDeps,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<ExpiryReport> {
  const batchSize = options.batchSize ?? deps.batchSize ?? DEFAULT_EXPIRY_BATCH;
  const report: ExpiryReport = { expired: 0, batches: 0, revokesQueued: 0 };
  for (let i = 0; i < (options.maxBatches ?? Number.POSITIVE_INFINITY); i++) {
    const { ended, fulfilmentIds } = await inTransaction(deps, (tx, now) =>
      expireDueBatch(tx, now, SYSTEM, batchSize),
    );
    if (ended === 0) break;
    report.batches += 1;
    report.expired += ended;
    report.revokesQueued += fulfilmentIds.length;
    if (ended < batchSize) break;
  }
  return report;
}
