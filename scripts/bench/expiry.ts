import { runChild } from './child.js';
import { benchEngine } from './engine.js';
import type { ExpiryJob, ExpiryOutcome } from './expiry-child.js';
import { seedDueAssignments } from './expiry-seed.js';
import { fixed, note, table } from './output.js';
import { BenchStores, openLocation, type StoreKind } from './stores.js';

/**
 * The expiry sweep against the plain UPDATE: one seeded template per database; each measurement
 * runs on a fresh copy of it (re-seeded), in a child process of its own.
 */

/** The instant every seeded assignment ends at; the sweep runs a minute later. */
const DUE_AT = new Date('2026-03-01T09:00:00Z');
const SWEEP_AT = new Date(DUE_AT.getTime() + 60_000);

export interface ExpiryRow {
  kind: StoreKind;
  count: number;
  batchSize: number;
  seedSeconds: number;
  engine: ExpiryOutcome;
  raw: ExpiryOutcome;
}

export async function benchExpiry(options: {
  kind: StoreKind;
  count: number;
  batchSizes: readonly number[];
}): Promise<ExpiryRow[]> {
  const stores = new BenchStores(options.kind);
  const rows: ExpiryRow[] = [];
  try {
    note(`${options.kind}: seeding ${options.count.toLocaleString('en-US')} due assignments`);
    const seedStarted = performance.now();
    const template = await stores.fresh();
    const database = await openLocation(template, 2);
    try {
      const { deps } = benchEngine(database, { start: new Date(DUE_AT.getTime() - 30 * 86_400_000) });
      await seedDueAssignments(deps, options.count, DUE_AT);
    } finally {
      await database.close();
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    for (const batchSize of options.batchSizes) {
      const measure = async (mode: ExpiryJob['mode']) => {
        const copy = await stores.copy(template);
        try {
          note(`${options.kind}: ${mode === 'engine' ? `engine, batches of ${batchSize}` : 'plain UPDATE'}`);
          return await runChild<ExpiryOutcome>(new URL('./expiry-child.ts', import.meta.url), {
            location: copy,
            mode,
            batchSize,
            now: SWEEP_AT.toISOString(),
          } satisfies ExpiryJob);
        } finally {
          await stores.remove(copy);
        }
      };
      const raw = await measure('raw');
      const engine = await measure('engine');
      rows.push({ kind: options.kind, count: options.count, batchSize, seedSeconds, engine, raw });
    }
    return rows;
  } finally {
    await stores.drop();
  }
}

export function expiryTable(rows: readonly ExpiryRow[]): string {
  return table(
    [
      'database',
      'rows',
      'batch',
      'batches',
      'engine s',
      'raw UPDATE s',
      'ratio',
      'rows/s',
      'RSS start→peak MB',
      'peak 1st/2nd half MB',
      'maxRSS MB',
      'raw maxRSS MB',
      'max stall ms',
    ],
    rows.map((r) => [
      r.kind === 'pglite' ? 'PGlite (file)' : 'PostgreSQL',
      r.count,
      r.batchSize,
      r.engine.batches,
      fixed(r.engine.seconds, 2),
      fixed(r.raw.seconds, 2),
      `${fixed(r.engine.seconds / r.raw.seconds, 2)}x`,
      Math.round(r.engine.expired / r.engine.seconds),
      `${r.engine.memory.startMb}→${r.engine.memory.peakMb}`,
      `${r.engine.memory.firstHalfPeakMb}/${r.engine.memory.secondHalfPeakMb}`,
      r.engine.memory.maxRssMb,
      r.raw.memory.maxRssMb,
      Math.round(r.engine.maxStallMs),
    ]),
  );
}

/** Every row the engine said it expired was written with its audit row, DM and revoke. */
export function expiryProblems(rows: readonly ExpiryRow[]): string[] {
  const problems: string[] = [];
  for (const r of rows) {
    const w = r.engine.written;
    if (
      r.engine.expired !== r.count ||
      w.expired !== r.count ||
      w.audit !== r.count ||
      w.outbox !== r.count ||
      w.revokes !== r.count
    )
      problems.push(
        `${r.kind} batch ${r.batchSize}: expired ${r.engine.expired}, written ${JSON.stringify(w)}`,
      );
    if (r.raw.expired !== r.count) problems.push(`${r.kind} raw: updated ${r.raw.expired} of ${r.count}`);
  }
  return problems;
}
