import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Notification } from '../domain/notifications.js';
import { deferToCommit, wakeAfterCommit } from './tx.js';

/**
 * Queues notifications in the caller's transaction (the transactional outbox). A key seen
 * before is skipped, so replays and retries never queue the same message twice. One statement
 * whatever the count (the rows travel as one JSON parameter), in the order given. Build each with
 * `notification()` from the domain: nothing else knows a kind's payload and key. Once the
 * transaction commits, the outbox job is woken to send them.
 */
export async function notify(tx: Db, now: Date, ...notifications: Notification[]): Promise<void> {
  const at = now.toISOString();
  const rows = notifications
    .filter((n) => n.recipient && n.recipient !== 'system')
    .map((n) => ({ kind: n.kind, recipient: n.recipient, data: n.data, key: n.idempotencyKey, at }));
  if (rows.length === 0) return;
  wakeAfterCommit(tx, 'outbox');
  if (!deferToCommit(tx, 'outbox', rows, writeOutboxRows)) await writeOutboxRows(tx, rows);
}

async function writeOutboxRows(tx: Db, rows: readonly Record<string, unknown>[]): Promise<void> {
  await tx.execute(sql`insert into outbox (kind, recipient, data, idempotency_key, next_attempt_at, created_at)
    select n.item->>'kind', n.item->>'recipient', n.item->'data', n.item->>'key',
           (n.item->>'at')::timestamptz, (n.item->>'at')::timestamptz
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as n(item, ord)
     order by n.ord
    on conflict (idempotency_key) do nothing`);
}
