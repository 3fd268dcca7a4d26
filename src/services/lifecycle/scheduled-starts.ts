import { and, asc, eq, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type Request, requests } from '../../db/schema.js';
import { type EngineDeps, SYSTEM } from '../context.js';
import { deliverAfterCommit, startDelivery } from '../requests/approved-requests.js';
import { activeAssignmentOf, snapshotOf } from '../requests/request-loaders.js';
import { moveRequest } from '../requests/request-writer.js';
import { inTransaction } from '../tx.js';
import { batchLimit, packageNames } from './due-batch.js';

/** Scheduled requests whose start has come are delivered: assignment created, grants run after commit. */
export async function startScheduled(deps: EngineDeps): Promise<number> {
  let started = 0;
  const limit = batchLimit(deps);
  for (;;) {
    const batch = await inTransaction(deps, async (tx, now) => {
      const due = await tx
        .select()
        .from(requests)
        .where(and(eq(requests.state, 'scheduled'), lte(requests.startAt, now)))
        .orderBy(asc(requests.startAt), asc(requests.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      const names = await packageNames(
        tx,
        due.map((r) => r.packageId),
      );
      const fulfilmentIds: number[] = [];
      let count = 0;
      for (const r of due) {
        const name = names.get(r.packageId) ?? '';
        const settings = snapshotOf(r);
        if (!settings || (await activeAssignmentOf(tx, r.userId, r.packageId))) {
          await cancelScheduled(tx, now, r, name);
          continue;
        }
        const proceeded = await startDelivery(tx, now, SYSTEM, r, name, settings, 'scheduled');
        fulfilmentIds.push(...proceeded.fulfilmentIds);
        count += 1;
      }
      return { seen: due.length, count, fulfilmentIds };
    });
    await deliverAfterCommit(deps, batch.fulfilmentIds, true);
    started += batch.count;
    if (batch.seen < limit) return started;
  }
}

/** The person got the package another way before the start: the scheduled request has nothing to do. */
async function cancelScheduled(tx: Db, now: Date, request: Request, packageName: string): Promise<void> {
  const note = 'you already had this access when it was due to start';
  await moveRequest(
    tx,
    now,
    SYSTEM,
    { ...request, packageName },
    {
      to: 'canceled',
      set: { closedAt: now, outcomeNote: note },
      audit: { note },
      news: { kind: 'request_canceled', note },
    },
  );
}
