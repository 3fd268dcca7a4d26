import { readConfig } from '../src/config.js';
import { benchExpiry, type ExpiryRow, expiryProblems, expiryTable } from './bench/expiry.js';
import { fixed, loadLine, machineLine, say } from './bench/output.js';
import { postgresAdminUrl, postgresVersion, type StoreKind } from './bench/stores.js';

/**
 * `npm run bench:expiry`: 100,000 assignments falling due at once, expired by the engine's
 * set-based batch service on PGlite (file-backed) and PostgreSQL, against a plain UPDATE of the
 * same rows, for several batch sizes. Options: --count N, --batches 1000,5000,20000, --only pglite|postgres.
 */

const DEFAULT_COUNT = 100_000;
const DEFAULT_BATCHES = [1_000, 5_000, 20_000];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function defaultBatch(): number {
  return readConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret' })
    .expiryBatchSize;
}

async function main(): Promise<void> {
  const count = Number(option('count') ?? DEFAULT_COUNT);
  const batchSizes = (option('batches') ?? DEFAULT_BATCHES.join(',')).split(',').map(Number);
  const only = option('only') as StoreKind | undefined;
  say('# bench:expiry — assignments falling due at once');
  say(machineLine());
  const pg = await postgresVersion();
  say(
    `databases: PGlite (file-backed DATA_DIR in a temp folder); PostgreSQL ${pg ?? `not reachable at ${postgresAdminUrl()}: skipped`}`,
  );
  const kinds: StoreKind[] = (['pglite', 'postgres'] as const).filter(
    (k) => (!only || only === k) && (k === 'pglite' || pg !== null),
  );
  const rows: ExpiryRow[] = [];
  for (const kind of kinds) rows.push(...(await benchExpiry({ kind, count, batchSizes })));
  say();
  say(expiryTable(rows));
  say();
  say('engine: expireDueAssignments (state, revoke fulfilments, reminders, audit, outbox per batch);');
  say("raw: one `UPDATE assignments SET state='expired', ended_at=now() WHERE …` of the same rows.");
  say("max stall: the longest the Node event loop did not turn (on PGlite a batch runs on the app's thread,");
  say('so Slack requests wait that long); RSS halves: peak sampled in the first and second half of the run.');
  say(`the app's default batch: EXPIRY_BATCH_SIZE=${defaultBatch()} (src/config.ts).`);
  say('Each run is a child process on a fresh copy of the seeded database; RSS is that Node process');
  say(
    "(on PostgreSQL the server's memory is not in it). Seeding (SQL, not timed above): " +
      kinds
        .map((k) => `${k} ${fixed(rows.find((r) => r.kind === k)?.seedSeconds ?? Number.NaN, 1)} s`)
        .join(', '),
  );
  const problems = expiryProblems(rows);
  say(
    problems.length === 0
      ? 'check: every expired row has its audit row, access_ended DM and revoke.'
      : `CHECK FAILED: ${problems.join('; ')}`,
  );
  say(loadLine());
  if (problems.length > 0) process.exitCode = 1;
}

await main();
