import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { auditLog } from '../../src/db/schema.js';
import { type ErrorCode, GatehouseError } from '../../src/domain/errors.js';
import { snapshotCounts } from './fixtures.js';

/**
 * Runs a call that must be refused with `code` and asserts the store is exactly as before
 * (a failed call changes nothing) but for the one `auth.refused` audit row a permission
 * refusal leaves. Returns the error for further checks of its message.
 */
export async function expectRefusal(
  db: Db,
  run: () => Promise<unknown>,
  code: ErrorCode,
  message?: RegExp | string,
): Promise<GatehouseError> {
  const before = await snapshotCounts(db);
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a refusal with ${code}`).toBeInstanceOf(GatehouseError);
  const refusal = error as GatehouseError;
  expect(refusal.code, refusal.message).toBe(code);
  if (message !== undefined) expect(refusal.message).toMatch(message);
  const refusalsAudited = code === 'auth.forbidden' ? 1 : 0;
  expect(await snapshotCounts(db)).toEqual({
    ...before,
    audit_refusals: before.audit_refusals! + refusalsAudited,
  });
  return refusal;
}

/** Audit rows with `action`, optionally of one catalog, package or resource, oldest first. */
export async function auditRowsFor(
  db: Db,
  action: string,
  where: { catalogId?: number; packageId?: number; resourceId?: number } = {},
) {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, action),
        where.catalogId !== undefined ? eq(auditLog.catalogId, where.catalogId) : undefined,
        where.packageId !== undefined ? eq(auditLog.packageId, where.packageId) : undefined,
        where.resourceId !== undefined ? eq(auditLog.resourceId, where.resourceId) : undefined,
      ),
    )
    .orderBy(auditLog.id);
}

/** expectRefusal for a permission refusal: `auth.forbidden`, nothing changed but its audit row. */
export function expectForbidden(
  db: Db,
  run: () => Promise<unknown>,
  message?: RegExp | string,
): Promise<GatehouseError> {
  return expectRefusal(db, run, 'auth.forbidden', message);
}
