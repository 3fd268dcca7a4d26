import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { queryRows } from '../../src/db/client.js';
import { auditLog, catalogs } from '../../src/db/schema.js';
import { createTestDatabase, databaseLabel } from '../support/db.js';

describe(`store (${databaseLabel})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('seeds the General catalog', async () => {
    const rows = await database.db.select({ name: catalogs.name }).from(catalogs);
    expect(rows.map((r) => r.name)).toContain('General');
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await database.db.insert(auditLog).values({ at: new Date(), actorId: 'U1', action: 'test.event' });
    await expect(database.db.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow();
    await expect(database.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(database.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const rows = await queryRows<{ action: string }>(database.db, sql`select action from audit_log`);
    expect(rows.map((r) => r.action)).toEqual(['test.event']);
  });

  it('starts request ids at 1001 so they read like R-1001', async () => {
    const rows = await queryRows<{ start_value: string }>(
      database.db,
      sql`select start_value::text from pg_sequences where sequencename like 'requests_id%'`,
    );
    expect(rows[0]?.start_value).toBe('1001');
  });
});
