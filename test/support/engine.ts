import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import type { EngineDeps } from '../../src/services/context.js';
import { createTestDatabase } from './db.js';
import { RecordingConnector } from './recording-connector.js';

export const ADMIN = { userId: 'UADMIN0001' };

export interface TestEngine {
  deps: EngineDeps;
  database: Database;
  clock: ManualClock;
  connector: RecordingConnector;
  close(): Promise<void>;
}

/** A migrated database of the file's own, a manual clock, a recording connector, ADMIN as global admin. */
export async function createTestEngine(
  options: { poolSize?: number; batchSize?: number } = {},
): Promise<TestEngine> {
  const database = await createTestDatabase(options.poolSize ? { poolSize: options.poolSize } : {});
  const clock = new ManualClock('2026-01-05T09:00:00Z');
  const connector = new RecordingConnector();
  const deps: EngineDeps = {
    database,
    clock,
    adminUserIds: [ADMIN.userId],
    connectors: connector.registry(),
    log: silentLogger,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  return { deps, database, clock, connector, close: () => database.close() };
}
