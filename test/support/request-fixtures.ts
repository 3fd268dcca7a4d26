import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { type Db, queryRows } from '../../src/db/client.js';
import { assignments, auditLog, outbox, requests } from '../../src/db/schema.js';
import { type ErrorCode, GatehouseError } from '../../src/domain/errors.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import type { TestEngine } from './engine.js';
import { insertPackage, insertUser, type PackageFixture } from './fixtures.js';

/** Helpers for the request, approval, assignment and due-work tests. */

export interface Scenario extends PackageFixture {
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
  const pkg = await insertPackage(t.database.db, {
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

export async function requestRow(db: Db, id: number) {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

export async function assignmentRow(db: Db, id: number) {
  const [row] = await db.select().from(assignments).where(eq(assignments.id, id));
  return row!;
}

export async function outboxRows(db: Db, where: { recipient?: string; kind?: string; requestId?: number }) {
  const rows = await db.select().from(outbox).orderBy(outbox.id);
  return rows.filter(
    (r) =>
      (where.recipient === undefined || r.recipient === where.recipient) &&
      (where.kind === undefined || r.kind === where.kind) &&
      (where.requestId === undefined || r.data.requestId === where.requestId),
  );
}

export async function auditRows(
  db: Db,
  where: { requestId?: number; assignmentId?: number; action?: string },
) {
  const rows = await db.select().from(auditLog).orderBy(auditLog.id);
  return rows.filter(
    (r) =>
      (where.requestId === undefined || r.requestId === where.requestId) &&
      (where.assignmentId === undefined || r.assignmentId === where.assignmentId) &&
      (where.action === undefined || r.action === where.action),
  );
}

export async function countRows(db: Db, table: string, where: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql.raw(`select count(*)::int as n from ${table} where ${where}`),
  );
  return Number(rows[0]!.n);
}

export const DAY_SECONDS = 86_400;
