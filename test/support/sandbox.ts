import { GatehouseSandbox, type SandboxOptions } from '../../src/sandbox/gatehouse-sandbox.js';
import { createTestDatabaseUrl } from './db.js';

/** The whole app against the simulated workspace, stopped (and its database dropped) by `close`. */
export type Sandbox = GatehouseSandbox & { close(): Promise<void> };

/** The whole app against the simulated workspace, on PGlite or (TEST_DATABASE_URL) a PostgreSQL database of its own. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const database = await createTestDatabaseUrl();
  const sandbox = new GatehouseSandbox({ ...options, ...(database ? { databaseUrl: database.url } : {}) });
  await sandbox.start();
  return Object.assign(sandbox, {
    async close() {
      await sandbox.stop();
      await database?.drop();
    },
  });
}
