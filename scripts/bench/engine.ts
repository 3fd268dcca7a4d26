import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import type { EngineDeps } from '../../src/services/context.js';
import { RecordingConnector } from '../../test/support/recording-connector.js';

/** The global admin of the benchmarks' engines. */
export const BENCH_ADMIN = { userId: 'U0BENCHADMIN' };

export interface BenchEngine {
  deps: EngineDeps;
  clock: ManualClock;
  connector: RecordingConnector;
}

/** Engine dependencies over a bench database: a manual clock, a recording connector, no logs. */
export function benchEngine(
  database: Database,
  options: { start?: Date; batchSize?: number } = {},
): BenchEngine {
  const clock = new ManualClock(options.start ?? '2026-01-05T09:00:00Z');
  const connector = new RecordingConnector();
  const deps: EngineDeps = {
    database,
    clock,
    adminUserIds: [BENCH_ADMIN.userId],
    connectors: connector.registry(),
    log: silentLogger,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  return { deps, clock, connector };
}
