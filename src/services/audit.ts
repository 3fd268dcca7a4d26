import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Actor } from './context.js';
import { deferToCommit } from './tx.js';

export interface AuditEvent {
  action: string;
  catalogId?: number | null;
  packageId?: number | null;
  requestId?: number | null;
  assignmentId?: number | null;
  resourceId?: number | null;
  reviewId?: number | null;
  subjectUserId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Writes audit rows in the caller's transaction (invariant 1: no state change without its row).
 * The rows are written just before the transaction commits, with every other audit row of that
 * transaction, in one statement (they travel as one JSON parameter), in the order given.
 */
export async function audit(tx: Db, now: Date, actor: Actor, ...events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const at = now.toISOString();
  const rows = events.map((e) => ({
    at,
    actor_id: actor.userId,
    action: e.action,
    catalog_id: e.catalogId ?? null,
    package_id: e.packageId ?? null,
    request_id: e.requestId ?? null,
    assignment_id: e.assignmentId ?? null,
    resource_id: e.resourceId ?? null,
    review_id: e.reviewId ?? null,
    subject_user_id: e.subjectUserId ?? null,
    data: e.data ?? {},
  }));
  if (!deferToCommit(tx, 'audit', rows, writeAuditRows)) await writeAuditRows(tx, rows);
}

async function writeAuditRows(tx: Db, rows: readonly Record<string, unknown>[]): Promise<void> {
  await tx.execute(sql`insert into audit_log
      (at, actor_id, action, catalog_id, package_id, request_id, assignment_id, resource_id, review_id, subject_user_id, data)
    select (e.item->>'at')::timestamptz, e.item->>'actor_id', e.item->>'action', (e.item->>'catalog_id')::int, (e.item->>'package_id')::int,
           (e.item->>'request_id')::int, (e.item->>'assignment_id')::int, (e.item->>'resource_id')::int,
           (e.item->>'review_id')::int, e.item->>'subject_user_id', e.item->'data'
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as e(item, ord)
     order by e.ord`);
}
