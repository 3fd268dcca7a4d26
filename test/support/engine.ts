import { afterAll, beforeAll } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/client.js';
import type { EngineDeps, PersonActor } from '../../src/services/context.js';
import { createTestDatabase } from './db.js';
import { engineOver } from './engine-deps.js';
import type { RecordingConnector } from './recording-connector.js';

export const ADMIN = { userId: 'UADMIN0001' };

export const DAY_SECONDS = 86_400;
export const DAY_MS = DAY_SECONDS * 1000;

export interface TestEngine {
  deps: EngineDeps;
  database: Database;
  clock: ManualClock;
  connector: RecordingConnector;
  close(): Promise<void>;
}

export interface TestEngineOptions {
  /** Connections on PostgreSQL: more than one where a test makes callers really race. */
  poolSize?: number;
  batchSize?: number;
}

/** A migrated database of the file's own, a manual clock, a recording connector, ADMIN as global admin. */
export async function createTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const database = await createTestDatabase(options.poolSize ? { poolSize: options.poolSize } : {});
  const engine = engineOver(database, { adminUserId: ADMIN.userId, batchSize: options.batchSize });
  return { ...engine, database, close: () => database.close() };
}

/**
 * The engine of the enclosing file or describe block: made in its beforeAll, closed in its
 * afterAll. The object returned stands for it (`t.deps`, `t.clock`, …) once the block runs;
 * touching it at collection time, before beforeAll, is a mistake and throws.
 */
export function useTestEngine(options: TestEngineOptions = {}): TestEngine {
  let engine: TestEngine | undefined;
  beforeAll(async () => {
    engine = await createTestEngine(options);
  });
  afterAll(() => engine?.close());
  return new Proxy({} as TestEngine, {
    get(_target, key) {
      if (!engine)
        throw new Error(`the test engine is used before its beforeAll ran (reading ${String(key)})`);
      return Reflect.get(engine, key);
    },
  });
}

/** Someone acting by Slack user id, as the Slack layer passes them to the services. */
export const actor = (userId: string): PersonActor => ({ userId });
