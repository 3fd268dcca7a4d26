import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { ACTIVE_ASSIGNMENTS, DUE_FULFILMENTS } from '../services/sql-lists.js';
import type { StoreGauges } from './metrics.js';

/** The outbox gauges, in one query (the backlog count walks the outbox_due partial index). */
export async function readOutboxGauges(db: Db): Promise<StoreGauges> {
  const [row] = await queryRows<{ backlog: number | string; dead: number | string }>(
    db,
    sql`select (select count(*) from outbox where sent_at is null and dead_at is null)::int as backlog,
               (select count(*) from outbox where dead_at is not null)::int as dead`,
  );
  return { outboxBacklog: Number(row?.backlog ?? 0), outboxDeadLetters: Number(row?.dead ?? 0) };
}

/** Jobs (by their runner names) whose lag the store can tell. */
export const LAGGING_JOBS = [
  'due-work',
  'expiry',
  'review-remind',
  'review-apply',
  'delivery',
  'outbox',
] as const;
export type LaggingJob = (typeof LAGGING_JOBS)[number];

/**
 * For each job, the due time of its oldest item due at `now` and not yet processed (null: nothing
 * due), in one query. The same conditions the jobs claim by, so `now - due` is how late the job
 * picks that item up.
 */
export async function oldestDue(db: Db, now: Date): Promise<Record<LaggingJob, Date | null>> {
  const [row] = await queryRows<Record<LaggingJob, Date | string | null>>(
    db,
    sql`select
      least(
        (select min(due_at) from expiry_reminders where sent_at is null and due_at <= ${now}),
        (select min(stage_due_at) from requests where state = 'pending_approval' and stage_due_at <= ${now}),
        (select min(stage_escalate_at) from requests
          where state = 'pending_approval' and stage_escalated_at is null and stage_escalate_at <= ${now}),
        (select min(start_at) from requests where state = 'scheduled' and start_at <= ${now})
      ) as "due-work",
      (select min(ends_at) from assignments
        where state in ${ACTIVE_ASSIGNMENTS} and ends_at <= ${now}) as "expiry",
      (select min(starts_at + (deadline - starts_at) / 2) from access_reviews
        where state = 'active' and reminded_at is null and deadline > ${now} and starts_at + (deadline - starts_at) / 2 <= ${now}) as "review-remind",
      (select min(deadline) from access_reviews
        where state = 'active' and deadline <= ${now} and (claimed_until is null or claimed_until < ${now})) as "review-apply",
      (select min(next_attempt_at) from fulfilments
        where state in ${DUE_FULFILMENTS} and next_attempt_at <= ${now}
          and (claimed_until is null or claimed_until < ${now})) as "delivery",
      (select min(next_attempt_at) from outbox
        where sent_at is null and dead_at is null and next_attempt_at <= ${now}
          and (claimed_until is null or claimed_until < ${now})) as "outbox"`,
  );
  const due = {} as Record<LaggingJob, Date | null>;
  for (const job of LAGGING_JOBS) {
    const value = row?.[job];
    due[job] = value ? new Date(value) : null;
  }
  return due;
}
