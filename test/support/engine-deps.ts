import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import type { EngineDeps } from '../../src/services/context.js';
import { RecordingConnector } from './recording-connector.js';

// No vitest here: the benchmarks (scripts/bench) build their engines with this too.

/**
 * Engine dependencies over `database` for tests and benchmarks: a manual clock (2026-01-05 09:00
 * UTC unless `start`), a recording connector for every resource kind, no logs, one global admin.
 */
export function engineOver(
  database: Database,
  options: { adminUserId: string; start?: Date; batchSize?: number | undefined },
): { deps: EngineDeps; clock: ManualClock; connector: RecordingConnector } {
  const clock = new ManualClock(options.start ?? '2026-01-05T09:00:00Z');
  const connector = new RecordingConnector();
  const deps: EngineDeps = {
    database,
    clock,
    adminUserIds: [options.adminUserId],
    connectors: connector.registry(),
    log: silentLogger,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  return { deps, clock, connector };
}
