import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { runDatabasePrefix, templateDatabase, withDatabase } from './postgres-url.js';

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
export const databaseLabel = onPostgres ? 'PostgreSQL' : 'PGlite';

/** A new PostgreSQL database of this run (a copy of the migrated template unless `empty`), and how to drop it. */
async function createRunDatabase(
  url: string,
  options: { empty?: boolean } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${runDatabasePrefix()}${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(url, (admin) =>
    admin.unsafe(
      options.empty ? `create database ${name}` : `create database ${name} template ${templateDatabase()}`,
    ),
  );
  return {
    url: withDatabase(url, name),
    drop: () => onServer(url, (admin) => admin.unsafe(`drop database if exists ${name} with (force)`)),
  };
}

async function onServer(url: string, run: (admin: postgres.Sql) => Promise<unknown>): Promise<void> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await run(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A migrated database of this test file's own: a fresh copy of the template on PostgreSQL
 * when TEST_DATABASE_URL is set, else an in-memory PGlite.
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ dataDir: 'memory' });
    await migrate(database);
    return database;
  }
  const copy = await createRunDatabase(url);
  const database = await openDatabase({ databaseUrl: copy.url, poolSize: options.poolSize ?? 10 });
  const created: Database = {
    ...database,
    async close() {
      await database.close();
      await copy.drop();
    },
  };
  databaseUrls.set(created, copy.url);
  return created;
}

const databaseUrls = new WeakMap<Database, string>();

/**
 * The URL of a database `createTestDatabase` made on PostgreSQL, for a second handle on it (a
 * second replica); undefined on PGlite, where the in-memory database has only its one handle.
 */
export function testDatabaseUrl(database: Database): string | undefined {
  return databaseUrls.get(database);
}

/** A fresh empty database URL (not migrated), for tests of start-up itself. PostgreSQL only. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return createRunDatabase(url, { empty: true });
}

/** A migrated database of this file's own on PostgreSQL, by URL (for tests that start the whole app). */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const url = process.env.TEST_DATABASE_URL;
  return url ? createRunDatabase(url) : null;
}
