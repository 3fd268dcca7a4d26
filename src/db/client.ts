import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { PgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database or a transaction on it: both drivers' handles share this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `fn` while holding a lock named `key` across every replica: a PostgreSQL session
   * advisory lock on its own connection; on PGlite (one process, one connection) an in-process
   * mutex, since advisory locks do not separate async callers on a single connection. Lock
   * connections come from a pool of their own, so lock holders waiting in line never take the
   * connections that `fn`'s queries (through the `db` it is given) need.
   */
  withLock<T>(key: string, fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL; otherwise embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite directory, or `memory`. */
  dataDir?: string | undefined;
  /** Connection pool size on PostgreSQL (at least 2: a lock holder and a worker). */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? './.data');
}

function openPostgres(url: string, max: number): Database {
  const client = postgres(url, {
    max: Math.max(2, max),
    onnotice: () => {},
    connection: { application_name: 'gatehouse' },
  });
  const db = drizzlePostgres({ client, schema, casing: 'snake_case' }) as unknown as Db;
  serializeRawParameters(client);
  const lockClient = postgres(url, {
    max: Math.max(2, max),
    onnotice: () => {},
    connection: { application_name: 'gatehouse-locks' },
  });
  return {
    db,
    kind: 'postgres',
    async withLock(key, fn) {
      const connection = await lockClient.reserve();
      try {
        await connection`select pg_advisory_lock(hashtextextended(${key}, 0))`;
        try {
          return await fn(db);
        } finally {
          await connection`select pg_advisory_unlock(hashtextextended(${key}, 0))`;
        }
      } finally {
        connection.release();
      }
    },
    async close() {
      await lockClient.end({ timeout: 5 });
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * PGlite runs on a worker thread of its own (see pglite-thread.ts), so its queries do not hold
 * up Bolt on this one; the DATA_DIR lock is taken here, before the worker opens the folder.
 */
async function openPglite(dataDir: string): Promise<Database> {
  let lock: DataDirLock | null = null;
  let client: PgliteThread;
  if (dataDir === 'memory') {
    client = await PgliteThread.start(null);
  } else {
    mkdirSync(dataDir, { recursive: true });
    lock = await acquireDataDirLock(dataDir);
    try {
      client = await PgliteThread.start(dataDir);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  // drizzle's PGlite driver calls only `query` and `transaction`, which PgliteThread offers.
  const db = drizzlePglite({
    client: client as unknown as PGlite,
    schema,
    casing: 'snake_case',
  }) as unknown as Db;
  const mutexes = new KeyedMutex();
  return {
    db,
    kind: 'pglite',
    withLock: (key, fn) => mutexes.run(key, () => fn(db)),
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Drizzle makes postgres-js pass timestamps and JSON through untouched, expecting its column
 * mappers to have turned them into strings. Parameters of raw `sql` templates have no column, so
 * a Date or an object would crash the driver; serialize them here, as PGlite does by itself.
 */
function serializeRawParameters(client: postgres.Sql): void {
  const toIso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
  const toJson = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const serializers = client.options.serializers as Record<string, (value: unknown) => unknown>;
  for (const type of ['1184', '1114', '1082']) serializers[type] = toIso;
  for (const type of ['114', '3802']) serializers[type] = toJson;
}

/** Serializes async work per key within this process. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Rows of a raw query, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
