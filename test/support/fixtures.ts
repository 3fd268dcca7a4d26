import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { auditLog, catalogs, outbox, requests, resources, users } from '../../src/db/schema.js';

/**
 * Rows written straight into the store, for tests that need a user or a resource without going
 * through the admin services (packages and policies go through them: catalog.ts). Names get a
 * random suffix so tests in one file never collide.
 */
export function uniqueSuffix(): string {
  return randomBytes(3).toString('hex');
}

export function slackId(prefix: 'U' | 'S' | 'C'): string {
  return `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;
}

export async function generalCatalogId(db: Db): Promise<number> {
  const [row] = await db.select({ id: catalogs.id }).from(catalogs).where(eq(catalogs.name, 'General'));
  if (!row) throw new Error('General catalog missing: migrations not applied?');
  return row.id;
}

export async function insertUser(
  db: Db,
  overrides: Partial<typeof users.$inferInsert> & { name?: string } = {},
): Promise<string> {
  const id = overrides.id ?? slackId('U');
  await db
    .insert(users)
    .values({ id, name: overrides.name ?? `user-${id.toLowerCase()}`, ...overrides })
    .onConflictDoNothing();
  return id;
}

export async function insertResource(
  db: Db,
  overrides: Partial<typeof resources.$inferInsert> = {},
): Promise<typeof resources.$inferSelect> {
  const catalogId = overrides.catalogId ?? (await generalCatalogId(db));
  const [row] = await db
    .insert(resources)
    .values({
      catalogId,
      kind: 'slack_usergroup',
      externalId: slackId('S'),
      name: `group-${uniqueSuffix()}`,
      roles: ['member'],
      createdBy: 'UADMIN0001',
      ...overrides,
    })
    .returning();
  return row!;
}

/**
 * A request row written straight into the store, as if `userId` had asked for the package and it
 * waits on stage 1 (unless `values` say otherwise): for tests of what other services do to it.
 */
export async function insertRequest(
  db: Db,
  values: { packageId: number; policyId: number; userId: string } & Partial<typeof requests.$inferInsert>,
): Promise<typeof requests.$inferSelect> {
  const [row] = await db
    .insert(requests)
    .values({
      policyVersion: 1,
      type: 'user_add',
      state: 'pending_approval',
      requestedBy: values.userId,
      stage: 1,
      ...values,
    })
    .returning();
  return row!;
}

/** Counts of the rows every state change must write, to assert "nothing changed". */
export async function snapshotCounts(db: Db): Promise<Record<string, number>> {
  const tables = [
    'catalogs',
    'catalog_role_holders',
    'resources',
    'access_packages',
    'package_resource_roles',
    'package_incompatibilities',
    'policies',
    'requests',
    'request_approvers',
    'approval_decisions',
    'assignments',
    'fulfilments',
    'expiry_reminders',
    'access_reviews',
    'review_decisions',
    'audit_log',
    'outbox',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    // Refused attempts are audited on purpose (auth.refused): counted apart, under audit_refusals.
    const where = table === 'audit_log' ? ` where action <> 'auth.refused'` : '';
    const result = (await db.execute(sql.raw(`select count(*)::int as n from ${table}${where}`))) as unknown;
    const rows = Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows;
    counts[table] = Number((rows[0] as { n: number }).n);
  }
  const refusals = (await db.execute(
    sql.raw(`select count(*)::int as n from audit_log where action = 'auth.refused'`),
  )) as unknown;
  const refusalRows = Array.isArray(refusals) ? refusals : (refusals as { rows: { n: number }[] }).rows;
  counts.audit_refusals = Number((refusalRows[0] as { n: number }).n);
  // Also fingerprint updatable state, so an UPDATE without an insert is caught too.
  const fingerprint = (await db.execute(
    sql.raw(`select md5(
      coalesce((select string_agg(id || ':' || state || ':' || stage || ':' || coalesce(outcome_note,''), ',' order by id) from requests), '') || '|' ||
      coalesce((select string_agg(id || ':' || state || ':' || coalesce(ends_at::text,'') || ':' || extension_count, ',' order by id) from assignments), '') || '|' ||
      coalesce((select string_agg(id || ':' || name || ':' || hidden || ':' || coalesce(deleted_at::text,''), ',' order by id) from access_packages), '') || '|' ||
      coalesce((select string_agg(id || ':' || name || ':' || coalesce(deleted_at::text,''), ',' order by id) from catalogs), '') || '|' ||
      coalesce((select string_agg(id || ':' || coalesce(removed_at::text,''), ',' order by id) from resources), '') || '|' ||
      coalesce((select string_agg(id || ':' || version || ':' || coalesce(deleted_at::text,''), ',' order by id) from policies), '') || '|' ||
      coalesce((select string_agg(id || ':' || state || ':' || attempts, ',' order by id) from fulfilments), '') || '|' ||
      coalesce((select string_agg(id || ':' || state, ',' order by id) from access_reviews), '') || '|' ||
      coalesce((select string_agg(review_id || ':' || assignment_id || ':' || coalesce(decision::text,''), ',' order by review_id, assignment_id) from review_decisions), '')
    ) as f`),
  )) as unknown;
  const fRows = Array.isArray(fingerprint) ? fingerprint : (fingerprint as { rows: { f: string }[] }).rows;
  counts.fingerprint = Number.parseInt(String((fRows[0] as { f: string }).f).slice(0, 12), 16);
  return counts;
}

export async function auditActions(
  db: Db,
  where: { requestId?: number; packageId?: number } = {},
): Promise<string[]> {
  const condition =
    where.requestId !== undefined
      ? eq(auditLog.requestId, where.requestId)
      : where.packageId !== undefined
        ? eq(auditLog.packageId, where.packageId)
        : undefined;
  const rows = await db
    .select({ action: auditLog.action })
    .from(auditLog)
    .where(condition)
    .orderBy(auditLog.id);
  return rows.map((r) => r.action);
}

export async function outboxFor(db: Db, recipient: string) {
  return db.select().from(outbox).where(eq(outbox.recipient, recipient)).orderBy(outbox.id);
}
