import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { queryRows } from '../../src/db/client.js';
import { auditLog, catalogs } from '../../src/db/schema.js';
import { sqlState } from '../../src/services/tx.js';
import { createTestDatabase, databaseLabel } from '../support/db.js';

/** The SQLSTATE the audit log's trigger raises (migrations/0001_…audit_guard.sql). */
const INSUFFICIENT_PRIVILEGE = '42501';

/** The driver's own message, under drizzle's "Failed query" wrapper. */
function messageOf(error: unknown): string {
  let current = error;
  while ((current as { cause?: unknown }).cause) current = (current as { cause?: unknown }).cause;
  return (current as Error).message;
}

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

  /** What the store answered a statement that must fail: its SQLSTATE and message. */
  async function refusalOf(statement: SQL): Promise<{ state: string | undefined; message: string }> {
    const error = await database.db.execute(statement).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, 'the statement was refused').toBeInstanceOf(Error);
    return { state: sqlState(error), message: messageOf(error) };
  }

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused by its trigger', async () => {
    await database.db.insert(auditLog).values({ at: new Date(), actorId: 'U1', action: 'test.event' });
    for (const [statement, operation] of [
      [sql`update audit_log set action = 'x'`, 'UPDATE'],
      [sql`delete from audit_log`, 'DELETE'],
      [sql`truncate audit_log`, 'TRUNCATE'],
    ] as const) {
      expect(await refusalOf(statement)).toEqual({
        state: INSUFFICIENT_PRIVILEGE,
        message: `audit_log is append-only: ${operation} is not allowed`,
      });
    }
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
