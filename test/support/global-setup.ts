import postgres from 'postgres';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { TEMPLATE_DATABASE, testDatabasePrefix, withDatabase } from './postgres-url.js';

/**
 * On PostgreSQL (TEST_DATABASE_URL set) migrate one template database; every test file then
 * gets its own copy (CREATE DATABASE … TEMPLATE, ~0.04 s) so parallel files never collide.
 */
export async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await dropTestDatabases(admin);
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE}`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = await openDatabase({ databaseUrl: withDatabase(url, TEMPLATE_DATABASE), poolSize: 1 });
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
    await dropTestDatabases(admin);
  } finally {
    await admin.end();
  }
}

async function dropTestDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like ${`${testDatabasePrefix}%`}`;
  for (const { datname } of rows) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
}
