import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * The benchmarks' own databases: PGlite in a temp folder (file-backed, so memory figures mean
 * something) or PostgreSQL databases named gatehouse_bench_<random>…, created here and dropped
 * by `drop()` whatever happened.
 */

export type StoreKind = 'pglite' | 'postgres';

/** Where a database lives: a PGlite DATA_DIR or a postgres:// URL. */
export interface StoreLocation {
  kind: StoreKind;
  where: string;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function postgresAdminUrl(): string {
  return process.env.BENCH_DATABASE_URL || DEFAULT_POSTGRES_URL;
}

export function openLocation(location: StoreLocation, poolSize?: number): Promise<Database> {
  return location.kind === 'postgres'
    ? openDatabase({ databaseUrl: location.where, ...(poolSize ? { poolSize } : {}) })
    : openDatabase({ dataDir: location.where });
}

/** PostgreSQL's version, or null when the server does not answer. */
export async function postgresVersion(): Promise<string | null> {
  const admin = postgres(postgresAdminUrl(), { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    const [row] = await admin<{ v: string }[]>`select current_setting('server_version') as v`;
    return row?.v ?? null;
  } catch {
    return null;
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/**
 * A family of databases for one benchmark: `fresh()` makes a migrated one, `copy(of)` clones one
 * (CREATE DATABASE … TEMPLATE on PostgreSQL, a folder copy on PGlite), `drop()` removes them all.
 */
export class BenchStores {
  readonly id = randomBytes(4).toString('hex');
  private readonly tempRoot: string;
  private readonly databases: string[] = [];
  private sequence = 0;

  constructor(readonly kind: StoreKind) {
    this.tempRoot = mkdtempSync(join(tmpdir(), `gatehouse-bench-${this.id}-`));
  }

  /** A new, migrated database. */
  async fresh(): Promise<StoreLocation> {
    const location = await this.create();
    const database = await openLocation(location, 2);
    try {
      await migrate(database);
    } finally {
      await database.close();
    }
    return location;
  }

  /** A copy of `source`, which must be closed. */
  async copy(source: StoreLocation): Promise<StoreLocation> {
    if (this.kind === 'pglite') {
      const dir = this.nextDir();
      cpSync(source.where, dir, { recursive: true });
      return { kind: 'pglite', where: dir };
    }
    return this.create(new URL(source.where).pathname.slice(1));
  }

  /** Removes one database of this family now (the rest go with `drop()`). */
  async remove(location: StoreLocation): Promise<void> {
    if (location.kind === 'pglite') {
      rmSync(location.where, { recursive: true, force: true });
      return;
    }
    const name = new URL(location.where).pathname.slice(1);
    const admin = postgres(postgresAdminUrl(), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end();
    }
    this.databases.splice(this.databases.indexOf(name), 1);
  }

  async drop(): Promise<void> {
    if (this.databases.length > 0) {
      const admin = postgres(postgresAdminUrl(), { max: 1, onnotice: () => {} });
      try {
        for (const name of this.databases) await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    }
    rmSync(this.tempRoot, { recursive: true, force: true });
  }

  private async create(template?: string): Promise<StoreLocation> {
    if (this.kind === 'pglite') {
      return { kind: 'pglite', where: this.nextDir() };
    }
    const name = `gatehouse_bench_${this.id}_${++this.sequence}`;
    const admin = postgres(postgresAdminUrl(), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
    } finally {
      await admin.end();
    }
    this.databases.push(name);
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${name}`;
    return { kind: 'postgres', where: url.toString() };
  }

  private nextDir(): string {
    return join(this.tempRoot, `db-${++this.sequence}`);
  }
}
