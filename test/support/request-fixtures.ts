import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { type Db, queryRows } from '../../src/db/client.js';
import { assignments, auditLog, outbox, requests } from '../../src/db/schema.js';
import { type ErrorCode, GatehouseError } from '../../src/domain/errors.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { type MadePackage, makePackage } from './catalog.js';
import type { TestEngine } from './engine.js';
import { insertUser } from './fixtures.js';

/** Helpers for the request, approval, assignment and due-work tests. */

export interface Scenario extends MadePackage {
  requestor: string;
}

/**
 * A fresh requestor and a package only they may request; `policy` overrides the settings
 * (no approval, no justification needed, 30 days, unless given).
 */
export async function scenario(
  t: TestEngine,
  policy: (requestor: string) => PolicySettingsInput = () => ({}),
): Promise<Scenario> {
  const requestor = await insertUser(t.database.db);
  const pkg = await makePackage(t.deps, {
    policy: {
      requestorScope: 'specific',
      requestorUserIds: [requestor],
      justificationRequired: false,
      expiry: { kind: 'days', days: 30 },
      ...policy(requestor),
    },
  });
  return { ...pkg, requestor };
}

/** Awaits a refusal and checks its code; returns it for message assertions. */
export async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<GatehouseError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a refusal with ${code}`).toBeInstanceOf(GatehouseError);
  expect((error as GatehouseError).code).toBe(code);
  return error as GatehouseError;
}

/** The rows whose columns equal each value `where` gives (undefined: any). */
function matching<R extends Record<string, unknown>>(
  rows: R[],
  where: Partial<Record<keyof R, unknown>>,
): R[] {
  const wanted = Object.entries(where).filter(([, value]) => value !== undefined);
  return rows.filter((row) => wanted.every(([column, value]) => row[column] === value));
}

/** The store's rows as a test reads them back after a service ran. */
export const stored = {
  async request(db: Db, id: number) {
    const [row] = await db.select().from(requests).where(eq(requests.id, id));
    return row!;
  },

  async assignment(db: Db, id: number) {
    const [row] = await db.select().from(assignments).where(eq(assignments.id, id));
    return row!;
  },

  /** Outbox rows, oldest first, of a recipient, a kind or a request (any of them). */
  async outbox(db: Db, where: { recipient?: string; kind?: string; requestId?: number }) {
    const rows = await db.select().from(outbox).orderBy(outbox.id);
    const { requestId, ...columns } = where;
    return matching(rows, columns).filter((r) => requestId === undefined || r.data.requestId === requestId);
  },

  /** Audit rows, oldest first, of a request, an assignment or an action (any of them). */
  async audit(db: Db, where: { requestId?: number; assignmentId?: number; action?: string }) {
    return matching(await db.select().from(auditLog).orderBy(auditLog.id), where);
  },
};

export async function countRows(db: Db, table: string, where: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql.raw(`select count(*)::int as n from ${table} where ${where}`),
  );
  return Number(rows[0]!.n);
}
