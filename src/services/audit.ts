import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import type { Actor } from './context.js';

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

/** Writes audit rows in the caller's transaction (invariant 1: no state change without its row). */
export async function audit(tx: Db, now: Date, actor: Actor, ...events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(auditLog).values(
    events.map((e) => ({
      at: now,
      actorId: actor.userId,
      action: e.action,
      catalogId: e.catalogId ?? null,
      packageId: e.packageId ?? null,
      requestId: e.requestId ?? null,
      assignmentId: e.assignmentId ?? null,
      resourceId: e.resourceId ?? null,
      reviewId: e.reviewId ?? null,
      subjectUserId: e.subjectUserId ?? null,
      data: e.data ?? {},
    })),
  );
}
