import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/db/client.js';
import { acquireDataDirLock, DataDirLockedError } from '../../src/db/data-dir-lock.js';
import { migrate } from '../../src/db/migrate.js';
import { createEmptyPostgresDatabase, databaseLabel, onPostgres } from '../support/db.js';
import { runMain } from '../support/main-process.js';

const SLACK_ENV = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'test-signing-secret' };

describe(`start-up (${databaseLabel})`, () => {
  it('applies the migrations twice without harm', async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    try {
      await migrate(database);
      await migrate(database);
      const rows = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from catalogs where name = 'General'`,
      );
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await database.close();
    }
  });

  it.runIf(onPostgres)('three instances starting at once on an empty database all come up', async () => {
    const empty = await createEmptyPostgresDatabase();
    const instances = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ databaseUrl: empty.url, poolSize: 2 })),
    );
    try {
      await Promise.all(instances.map((instance) => migrate(instance)));
      for (const instance of instances) {
        const rows = await queryRows<{ n: number }>(
          instance.db,
          sql`select count(*)::int as n from catalogs where name = 'General'`,
        );
        expect(Number(rows[0]!.n)).toBe(1);
      }
      const applied = await queryRows<{ n: number }>(
        instances[0]!.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(Number(applied[0]!.n)).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
      await empty.drop();
    }
  });

  it('guards a PGlite data directory: a second holder is refused, a released lock is taken again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-lock-'));
    const lock = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirLockedError);
    lock.release();
    const again = await acquireDataDirLock(dir);
    again.release();
  });

  it('a second process on the same DATA_DIR exits with one clear line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-data-'));
    const lock = await acquireDataDirLock(dir);
    try {
      const { code, stderr } = await runMain({ ...SLACK_ENV, DATA_DIR: dir, PORT: '0' });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/DATA_DIR .* is in use by another Gatehouse process/);
    } finally {
      lock.release();
    }
  });

  it('missing Slack settings: one line each, exit 1', async () => {
    const { code, stderr } = await runMain({ DATA_DIR: 'memory' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('SLACK_BOT_TOKEN')]);
  });

  it('malformed configuration: one line per problem, exit 1, no stack trace', async () => {
    const { code, stderr } = await runMain({
      ...SLACK_ENV,
      PORT: 'not-a-port',
      ADMIN_USER_IDS: 'alice',
      DATABASE_URL: 'mysql://x',
    });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(3);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('ADMIN_USER_IDS');
    expect(stderr).toContain('DATABASE_URL');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
