import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { runDatabasePrefix, templateDatabase, testDatabasePrefix, withDatabase } from './postgres-url.js';

/** Databases of runs older than this are leftovers of a run that was killed: dropped. */
const STALE_AFTER_MS = 6 * 3_600_000;

/**
 * On PostgreSQL (TEST_DATABASE_URL set) migrate one template database for this run; every test
 * file then gets its own copy (CREATE DATABASE … TEMPLATE, ~0.04 s) so parallel files never collide.
 */
export async function setup(): Promise<void> {
  process.env.GATEHOUSE_TEST_RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await dropStaleRuns(admin);
    await admin.unsafe(`create database ${templateDatabase()}`);
  } finally {
    await admin.end();
  }
  const template = await openDatabase({ databaseUrl: withDatabase(url, templateDatabase()), poolSize: 2 });
  try {
    await migrate(template);
  } finally {
    await template.close();
  }
}

export async function teardown(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await dropDatabases(admin, (name) => name.startsWith(runDatabasePrefix()));
  } finally {
    await admin.end();
  }
}

async function dropStaleRuns(admin: postgres.Sql): Promise<void> {
  const now = Date.now();
  await dropDatabases(admin, (name) => {
    const started = Number.parseInt(name.slice(testDatabasePrefix.length).split('_')[0]!.slice(0, -4), 36);
    return Number.isFinite(started) && now - started > STALE_AFTER_MS;
  });
}

async function dropDatabases(admin: postgres.Sql, which: (name: string) => boolean): Promise<void> {
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like ${`${testDatabasePrefix}%`}`;
  for (const { datname } of rows) {
    if (which(datname)) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}
