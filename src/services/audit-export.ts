import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';

/**
 * Reading the append-only audit log out, oldest first, for a SIEM. Pages by id (keyset: `id >
 * last`), so memory stays flat however long the log is and no query holds the store for long;
 * rows added while the export runs are included up to the moment it reads the last page, and a
 * shipper that remembers the last id it got resumes exactly there (`afterId`).
 */

/** One audit row, as exported: the stable field list the README documents. */
export interface AuditRecord {
  id: number;
  at: Date;
  actorId: string;
  action: string;
  catalogId: number | null;
  packageId: number | null;
  requestId: number | null;
  assignmentId: number | null;
  resourceId: number | null;
  reviewId: number | null;
  subjectUserId: string | null;
  data: Record<string, unknown>;
}

export interface AuditExportOptions {
  /** Only rows at or after this time. */
  since?: Date;
  /** Only rows after this id (the last id a previous export gave). */
  afterId?: number;
  /** Rows per query. */
  pageSize?: number;
}

export const AUDIT_EXPORT_PAGE = 1_000;

interface AuditRow {
  id: number | string;
  at: Date | string;
  actor_id: string;
  action: string;
  catalog_id: number | null;
  package_id: number | null;
  request_id: number | null;
  assignment_id: number | null;
  resource_id: number | null;
  review_id: number | null;
  subject_user_id: string | null;
  data: Record<string, unknown> | string;
}

export async function* auditRecords(db: Db, options: AuditExportOptions = {}): AsyncGenerator<AuditRecord> {
  const pageSize = options.pageSize ?? AUDIT_EXPORT_PAGE;
  const since = options.since ? sql`and at >= ${options.since}` : sql``;
  let last = options.afterId ?? 0;
  for (;;) {
    const rows = await queryRows<AuditRow>(
      db,
      sql`select id, at, actor_id, action, catalog_id, package_id, request_id, assignment_id,
                 resource_id, review_id, subject_user_id, data
            from audit_log where id > ${last} ${since}
           order by id limit ${pageSize}`,
    );
    for (const row of rows) yield recordOf(row);
    if (rows.length < pageSize) return;
    last = Number(rows[rows.length - 1]!.id);
  }
}

function recordOf(row: AuditRow): AuditRecord {
  return {
    id: Number(row.id),
    at: row.at instanceof Date ? row.at : new Date(row.at),
    actorId: row.actor_id,
    action: row.action,
    catalogId: row.catalog_id,
    packageId: row.package_id,
    requestId: row.request_id,
    assignmentId: row.assignment_id,
    resourceId: row.resource_id,
    reviewId: row.review_id,
    subjectUserId: row.subject_user_id,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
  };
}
