import type { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import type { EngineDeps } from '../../src/services/context.js';
import { engineOver } from '../../test/support/engine-deps.js';
import type { RecordingConnector } from '../../test/support/recording-connector.js';

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
  return engineOver(database, { adminUserId: BENCH_ADMIN.userId, ...options });
}
