import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import type { EngineDeps } from '../context.js';
import { ACTIVE_ASSIGNMENTS, DUE_FULFILMENTS } from '../sql-lists.js';

/**
 * The earliest instant after `after` and no later than `until` at which some scheduled work falls
 * due: an expiry, a reminder, an approval stage's escalation or time-out, a scheduled start, a
 * review's reminder or deadline, a delivery or DM retry. The test clock steps through these in
 * order, so one long jump does what the days in between would have done, in the same order.
 */
export async function nextDueAt(deps: EngineDeps, after: Date, until: Date): Promise<Date | null> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    deps.database.db,
    sql`select min(at) as at from (
      select min(ends_at) as at from assignments
       where state in ${ACTIVE_ASSIGNMENTS} and ends_at > ${after} and ends_at <= ${until}
      union all
      select min(r.due_at) from expiry_reminders r
       where r.sent_at is null and r.due_at > ${after} and r.due_at <= ${until}
      union all
      select min(stage_due_at) from requests
       where state = 'pending_approval' and stage_due_at > ${after} and stage_due_at <= ${until}
      union all
      select min(stage_escalate_at) from requests
       where state = 'pending_approval' and stage_escalated_at is null
         and stage_escalate_at > ${after} and stage_escalate_at <= ${until}
      union all
      select min(start_at) from requests
       where state = 'scheduled' and start_at > ${after} and start_at <= ${until}
      union all
      select min(deadline) from access_reviews
       where state = 'active' and deadline > ${after} and deadline <= ${until}
      union all
      select min(starts_at + (deadline - starts_at) / 2) from access_reviews
       where state = 'active' and reminded_at is null
         and starts_at + (deadline - starts_at) / 2 > ${after} and starts_at + (deadline - starts_at) / 2 <= ${until}
      union all
      select min(next_attempt_at) from fulfilments
       where state in ${DUE_FULFILMENTS} and next_attempt_at > ${after} and next_attempt_at <= ${until}
      union all
      select min(next_attempt_at) from outbox
       where sent_at is null and dead_at is null and next_attempt_at > ${after} and next_attempt_at <= ${until}
    ) due`,
  );
  return row?.at ? new Date(row.at) : null;
}
