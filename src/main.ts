import type { Server } from 'node:http';
import { type Clock, OffsetClock, systemClock } from './clock.js';
import { ConfigError, readConfig } from './config.js';
import { unconfiguredRegistry } from './connectors/unconfigured.js';
import { type Database, openDatabase, ping } from './db/client.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { migrate } from './db/migrate.js';
import { healthRoute, startHttpServer } from './http/server.js';
import { engineJobs } from './jobs/engine-jobs.js';
import { type JobRunner, startJobRunner } from './jobs/runner.js';
import { createLogger } from './logger.js';
import type { EngineDeps } from './services/context.js';

/** Start-up only wires: config → database → migrations → engine → jobs → HTTP; shutdown in reverse. */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let server: Server | null = null;
  let jobs: JobRunner | null = null;

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await jobs?.stop();
    await database.close();
    log.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(0)));
  process.once('SIGINT', () => void shutdown('SIGINT').then(() => process.exit(0)));

  await migrate(database);
  const clock: Clock = config.testClock ? new OffsetClock() : systemClock;
  const deps: EngineDeps = {
    database,
    clock,
    adminUserIds: config.adminUserIds,
    connectors: unconfiguredRegistry(),
    log,
    batchSize: config.expiryBatchSize,
  };
  jobs = startJobRunner(engineJobs(deps), { cron: config.jobTickCron, log });
  server = await startHttpServer([healthRoute(() => ping(database.db))], config.port);
  log.info(
    { port: config.port, database: describe(database), admins: config.adminUserIds.length },
    'Gatehouse is up',
  );
}

function describe(database: Database): string {
  return database.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite';
}

main().catch((error: unknown) => {
  // Misconfiguration gets one plain line per problem, never a stack trace.
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`gatehouse: ${problem}\n`);
  } else if (error instanceof DataDirLockedError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else {
    process.stderr.write(
      `gatehouse: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
