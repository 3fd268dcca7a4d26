import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.js';
import { expireDueAssignments } from '../../src/services/lifecycle/expiry.js';
import { printResult } from './child.js';
import { benchEngine } from './engine.js';
import { rawExpire } from './expiry-seed.js';
import { RssSampler, type RssSummary } from './memory.js';
import { StallMeter } from './stall.js';
import { openLocation, type StoreLocation } from './stores.js';

/**
 * One expiry measurement in a process of its own, so its peak RSS is the run's and not the
 * seeding's: opens the seeded database, expires the due rows (the engine's batch service, or
 * the plain UPDATE), checks what was written, and prints one RESULT line of JSON.
 */

export interface ExpiryJob {
  location: StoreLocation;
  mode: 'engine' | 'raw';
  batchSize: number;
  now: string;
}

export interface ExpiryOutcome {
  seconds: number;
  expired: number;
  batches: number;
  memory: RssSummary;
  /** The longest the event loop was blocked (ms): on PGlite a statement runs on the app's thread. */
  maxStallMs: number;
  /** Rows written by the run, read back after it. */
  written: { expired: number; audit: number; outbox: number; revokes: number };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ExpiryJob;
  const now = new Date(job.now);
  const database = await openLocation(job.location, 4);
  try {
    const { deps } = benchEngine(database, { start: now, batchSize: job.batchSize });
    // Warm the connection and the catalog caches outside the timing.
    await queryRows(
      database.db,
      sql`select count(*) from assignments where ends_at <= ${job.now}::timestamptz`,
    );
    const stalls = new StallMeter().start();
    const sampler = new RssSampler().start();
    const started = performance.now();
    let expired: number;
    let batches = 1;
    if (job.mode === 'engine') {
      const report = await expireDueAssignments(deps, { batchSize: job.batchSize });
      expired = report.expired;
      batches = report.batches;
    } else {
      expired = await rawExpire(deps, now);
    }
    const seconds = (performance.now() - started) / 1000;
    const memory = sampler.stop();
    const maxStallMs = stalls.stop();
    const [written] = await queryRows<{ expired: number; audit: number; outbox: number; revokes: number }>(
      database.db,
      sql`select (select count(*) from assignments where state = 'expired')::int as expired,
                 (select count(*) from audit_log where action = 'assignment.expired')::int as audit,
                 (select count(*) from outbox where kind = 'access_ended')::int as outbox,
                 (select count(*) from fulfilments where action = 'revoke')::int as revokes`,
    );
    const outcome: ExpiryOutcome = { seconds, expired, batches, memory, maxStallMs, written: written! };
    printResult(outcome);
  } finally {
    await database.close();
  }
}

await main();
