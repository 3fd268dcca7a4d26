import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accessPackages } from '../../db/schema.js';
import type { EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';

/** Batches of the due-work services: at most 500 rows, each batch its own short transaction. */

export const DUE_WORK_BATCH = 500;

export function batchLimit(deps: EngineDeps): number {
  return Math.max(1, Math.min(deps.batchSize ?? DUE_WORK_BATCH, DUE_WORK_BATCH));
}

/** Runs `batch` in its own transaction until a batch finds fewer rows than the limit. */
export async function inBatches(
  deps: EngineDeps,
  batch: (tx: Db, now: Date, limit: number) => Promise<number>,
): Promise<number> {
  const limit = batchLimit(deps);
  let total = 0;
  for (;;) {
    const done = await inTransaction(deps, (tx, now) => batch(tx, now, limit));
    total += done;
    if (done < limit) return total;
  }
}

export async function packageNames(tx: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({ id: accessPackages.id, name: accessPackages.name })
    .from(accessPackages)
    .where(inArray(accessPackages.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
