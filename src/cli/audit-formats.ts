import { formatRequestId } from '../domain/states.js';
import type { AuditRecord } from '../services/audit-export.js';

/**
 * The audit export's two formats. The field list is stable (README "Audit export"): new fields
 * are only ever added at the end, so a SIEM's parser keeps working.
 */
export const AUDIT_FIELDS = [
  'id',
  'at',
  'actor_id',
  'action',
  'catalog_id',
  'package_id',
  'request_id',
  'request_ref',
  'assignment_id',
  'resource_id',
  'review_id',
  'subject_user_id',
  'data',
] as const;

export type AuditFormat = 'jsonl' | 'csv';

type Field = (typeof AUDIT_FIELDS)[number];
type FlatRecord = Record<Field, string | number | null | Record<string, unknown>>;

function flatten(record: AuditRecord): FlatRecord {
  return {
    id: record.id,
    at: record.at.toISOString(),
    actor_id: record.actorId,
    action: record.action,
    catalog_id: record.catalogId,
    package_id: record.packageId,
    request_id: record.requestId,
    request_ref: record.requestId === null ? null : formatRequestId(record.requestId),
    assignment_id: record.assignmentId,
    resource_id: record.resourceId,
    review_id: record.reviewId,
    subject_user_id: record.subjectUserId,
    data: record.data,
  };
}

/** One JSON object per line, keys in AUDIT_FIELDS order, `data` as an object. */
export function jsonLine(record: AuditRecord): string {
  return `${JSON.stringify(flatten(record))}\n`;
}

export const CSV_HEADER = `${AUDIT_FIELDS.join(',')}\r\n`;

/** RFC 4180: CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvLine(record: AuditRecord): string {
  const flat = flatten(record);
  return `${AUDIT_FIELDS.map((field) => csvField(flat[field])).join(',')}\r\n`;
}

function csvField(value: FlatRecord[Field]): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The export as text chunks: the header (CSV), then a line per record. */
export async function* formatted(records: AsyncIterable<AuditRecord>, format: AuditFormat) {
  if (format === 'csv') yield CSV_HEADER;
  const line = format === 'csv' ? csvLine : jsonLine;
  for await (const record of records) yield line(record);
}
