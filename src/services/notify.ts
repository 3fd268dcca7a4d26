import type { Db } from '../db/client.js';
import { outbox } from '../db/schema.js';
import type { Notification } from '../domain/notifications.js';

/**
 * Queues notifications in the caller's transaction (the transactional outbox). A key seen
 * before is skipped, so replays and retries never queue the same message twice.
 */
export async function notify(tx: Db, now: Date, ...notifications: Notification[]): Promise<void> {
  const rows = notifications.filter((n) => n.recipient && n.recipient !== 'system');
  if (rows.length === 0) return;
  await tx
    .insert(outbox)
    .values(
      rows.map((n) => ({
        kind: n.kind,
        recipient: n.recipient,
        data: n.data,
        idempotencyKey: n.idempotencyKey,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: outbox.idempotencyKey });
}
