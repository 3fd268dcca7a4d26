import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { assignments, expiryReminders, fulfilments, packageResourceRoles } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { reminderTimes } from '../../domain/expiry.js';
import { formatRequestId } from '../../domain/states.js';
import { audit } from '../audit.js';
import type { Actor } from '../context.js';
import { notify } from '../notify.js';
import { tellStageApprovers } from '../requests/approval-stages.js';
import { sqlState, UNIQUE_VIOLATION } from '../tx.js';

/**
 * The assignment lifecycle shared by every service that starts or ends access: creating an
 * assignment with its grant fulfilments, ending assignments set-based (expiry, removal, package
 * deletion, deactivation, reviews) with their revoke fulfilments, audit rows and DMs.
 * Fulfilments are only queued here; delivery.ts runs the connectors after commit.
 */

export type EndReason =
  | 'expired'
  | 'removed_by_admin'
  | 'removed_by_user'
  | 'user_deactivated'
  | 'review'
  | 'package_deleted';

export interface EndedAssignment {
  id: number;
  userId: string;
  packageId: number;
  packageName: string;
  requestId: number | null;
  state: 'expired' | 'removed';
}

const ACTIVE = sql.raw(`('delivering','delivered','delivery_failed')`);

export interface NewAssignment {
  userId: string;
  packageId: number;
  packageName: string;
  policyId: number | null;
  requestId: number | null;
  startsAt: Date;
  endsAt: Date | null;
  reminderOffsetsHours: readonly number[];
  /** Lease the new fulfilments to the caller, which delivers them right after commit. */
  claimForMs?: number;
}

/**
 * Inserts an assignment (delivering), one pending grant per resource role of its package, and its
 * expiry reminders. An active assignment of the same package is refused (`request.already_assigned`).
 */
export async function createAssignment(
  tx: Db,
  now: Date,
  actor: Actor,
  input: NewAssignment,
): Promise<{ assignmentId: number; fulfilmentIds: number[] }> {
  let assignmentId: number;
  try {
    const [row] = await tx
      .insert(assignments)
      .values({
        userId: input.userId,
        packageId: input.packageId,
        policyId: input.policyId,
        requestId: input.requestId,
        state: 'delivering',
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: assignments.id });
    assignmentId = row!.id;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new GatehouseError(
        'request.already_assigned',
        `<@${input.userId}> already has ${input.packageName}.`,
        {
          userId: input.userId,
          packageId: input.packageId,
        },
      );
    }
    throw error;
  }
  const claimedUntil = input.claimForMs ? new Date(now.getTime() + input.claimForMs) : null;
  const roles = await tx
    .select({ resourceId: packageResourceRoles.resourceId, role: packageResourceRoles.role })
    .from(packageResourceRoles)
    .where(sql`${packageResourceRoles.packageId} = ${input.packageId}`);
  const inserted =
    roles.length === 0
      ? []
      : await tx
          .insert(fulfilments)
          .values(
            roles.map((r) => ({
              assignmentId,
              resourceId: r.resourceId,
              role: r.role,
              userId: input.userId,
              action: 'grant' as const,
              nextAttemptAt: now,
              claimedUntil,
              createdAt: now,
            })),
          )
          .returning({ id: fulfilments.id });
  await scheduleReminders(tx, now, assignmentId, input.endsAt, input.reminderOffsetsHours);
  await audit(tx, now, actor, {
    action: 'assignment.created',
    packageId: input.packageId,
    assignmentId,
    requestId: input.requestId,
    subjectUserId: input.userId,
    data: {
      startsAt: input.startsAt.toISOString(),
      endsAt: input.endsAt?.toISOString() ?? null,
      resourceRoles: roles.length,
      ...(input.requestId ? { request: formatRequestId(input.requestId) } : {}),
    },
  });
  return { assignmentId, fulfilmentIds: inserted.map((f) => f.id) };
}

/** (Re)arms an assignment's expiry reminders for its current end; reminders already past are skipped. */
export async function scheduleReminders(
  tx: Db,
  now: Date,
  assignmentId: number,
  endsAt: Date | null,
  offsetsHours: readonly number[],
): Promise<void> {
  await tx.delete(expiryReminders).where(sql`${expiryReminders.assignmentId} = ${assignmentId}`);
  const due = reminderTimes(endsAt, offsetsHours, now);
  if (due.length === 0) return;
  await tx
    .insert(expiryReminders)
    .values(due.map((r) => ({ assignmentId, offsetHours: r.offsetHours, dueAt: r.dueAt })));
}

/** Ends the given active assignments (others in the list are ignored). */
export async function endAssignments(
  tx: Db,
  now: Date,
  actor: Actor,
  assignmentIds: readonly number[],
  reason: EndReason,
  note?: string,
): Promise<{ ended: EndedAssignment[]; fulfilmentIds: number[] }> {
  if (assignmentIds.length === 0) return { ended: [], fulfilmentIds: [] };
  const selector = sql`select id from assignments
    where id = any(${sqlIntArray(assignmentIds)}) and state in ${ACTIVE}
    order by id for update`;
  return endAssignmentsSelected(tx, now, actor, selector, reason, note);
}

/**
 * Ends up to `limit` assignments due at `now`, skipping rows another runner holds: one statement
 * set for the whole batch (state, revoke fulfilments, reminders, audit, outbox), never a loop per row.
 */
export async function expireDueBatch(
  tx: Db,
  now: Date,
  actor: Actor,
  limit: number,
): Promise<{ ended: number; fulfilmentIds: number[] }> {
  const selector = sql`select id from assignments
    where state in ${ACTIVE} and ends_at is not null and ends_at <= ${now}
    order by ends_at, id limit ${limit} for update skip locked`;
  const { ended, fulfilmentIds } = await endAssignmentsSelected(
    tx,
    now,
    actor,
    selector,
    'expired',
    undefined,
  );
  return { ended: ended.length, fulfilmentIds };
}

async function endAssignmentsSelected(
  tx: Db,
  now: Date,
  actor: Actor,
  selector: SQL,
  reason: EndReason,
  note: string | undefined,
): Promise<{ ended: EndedAssignment[]; fulfilmentIds: number[] }> {
  const newState = reason === 'expired' ? 'expired' : 'removed';
  const action = `assignment.${newState}`;
  const data = sql`jsonb_build_object('reason', ${reason}::text, 'note', ${note ?? null}::text)`;
  // Grants never attempted are canceled; every grant that reached (or may have reached) the
  // resource gets a revoke. Invariant 4 is checked when the revoke is delivered, under the lock.
  const rows = await queryRows<{
    kind: 'ended' | 'revoke';
    id: number;
    user_id: string;
    package_id: number;
    package_name: string;
    request_id: number | null;
  }>(
    tx,
    sql`with due as (${selector}),
    ended as (
      update assignments a
         set state = ${newState}::assignment_state, ended_at = ${now}, end_reason = ${reason},
             ended_by = ${actor.userId}, updated_at = ${now}, claimed_until = null
        from due where a.id = due.id
      returning a.id, a.user_id, a.package_id, a.request_id
    ),
    named as (
      select e.*, p.name as package_name from ended e join access_packages p on p.id = e.package_id
    ),
    canceled as (
      update fulfilments f set state = 'canceled', claimed_until = null, done_at = ${now}
        from ended e
       where f.assignment_id = e.id and f.action = 'grant' and f.state in ('pending','failed') and f.attempts = 0
    ),
    revokes as (
      insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, created_at)
      select f.assignment_id, f.resource_id, f.role, f.user_id, 'revoke', 'pending', ${now}, ${now}
        from fulfilments f join ended e on e.id = f.assignment_id
       where f.action = 'grant' and f.state not in ('canceled','skipped') and (f.state = 'delivered' or f.attempts > 0)
      on conflict (assignment_id, resource_id, role, action) do update
        set state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = null,
            claimed_until = null, done_at = null
      returning id
    ),
    reminders as (
      delete from expiry_reminders r using ended e where r.assignment_id = e.id and r.sent_at is null
    ),
    audited as (
      insert into audit_log (at, actor_id, action, package_id, assignment_id, request_id, subject_user_id, data)
      select ${now}, ${actor.userId}, ${action}, n.package_id, n.id, n.request_id, n.user_id, ${data} from named n
    ),
    told as (
      insert into outbox (kind, recipient, data, idempotency_key, next_attempt_at, created_at)
      select 'access_ended', n.user_id,
             jsonb_build_object('assignmentId', n.id, 'packageId', n.package_id, 'packageName', n.package_name,
                                'reason', ${reason}::text, 'note', ${note ?? null}::text, 'endedAt', ${now.toISOString()}::text),
             'access_ended:' || n.id, ${now}, ${now}
        from named n
      on conflict (idempotency_key) do nothing
    )
    select 'ended' as kind, n.id, n.user_id, n.package_id, n.package_name, n.request_id from named n
    union all
    select 'revoke', r.id, null, null, null, null from revokes r`,
  );
  const ended: EndedAssignment[] = [];
  const fulfilmentIds: number[] = [];
  for (const row of rows) {
    if (row.kind === 'revoke') fulfilmentIds.push(Number(row.id));
    else
      ended.push({
        id: Number(row.id),
        userId: row.user_id,
        packageId: Number(row.package_id),
        packageName: row.package_name,
        requestId: row.request_id === null ? null : Number(row.request_id),
        state: newState,
      });
  }
  // An extension still waiting for approval has nothing left to extend.
  await cancelOpenRequests(
    tx,
    now,
    actor,
    { assignmentIds: ended.map((e) => e.id) },
    reason === 'expired'
      ? 'the access it would extend has expired'
      : 'the access it would extend was removed',
  );
  return { ended, fulfilmentIds };
}

/**
 * Cancels open requests (submitted, pending approval, approved, scheduled) of a package, of a
 * user, or the extension requests of given assignments (access that just ended), telling each requestor
 * and the approvers of a pending stage, whose cards would otherwise stay open.
 */
export async function cancelOpenRequests(
  tx: Db,
  now: Date,
  actor: Actor,
  where: { packageId?: number; userId?: string; assignmentIds?: readonly number[] },
  note: string,
): Promise<number[]> {
  if (where.packageId === undefined && where.userId === undefined && !where.assignmentIds?.length) return [];
  const rows = await queryRows<{
    id: number;
    user_id: string;
    package_id: number;
    package_name: string;
    state: string;
    stage: number;
  }>(
    tx,
    sql`with target as (
      select r.id, r.state as old_state, r.stage as old_stage from requests r
       where r.state in ('submitted','pending_approval','approved','scheduled')
         ${where.packageId !== undefined ? sql`and r.package_id = ${where.packageId}` : sql``}
         ${where.userId !== undefined ? sql`and r.user_id = ${where.userId}` : sql``}
         ${where.assignmentIds?.length ? sql`and r.type = 'user_extend' and r.assignment_id = any(${sqlIntArray(where.assignmentIds)})` : sql``}
       for update
    )
    update requests r set state = 'canceled', outcome_note = ${note}, closed_at = ${now}, updated_at = ${now}, stage = 0
      from target t where r.id = t.id
    returning r.id, r.user_id, r.package_id, t.old_state as state, t.old_stage as stage,
      (select name from access_packages p where p.id = r.package_id) as package_name`,
  );
  for (const r of rows) {
    const request = { id: Number(r.id), packageId: Number(r.package_id), userId: r.user_id };
    await audit(tx, now, actor, {
      action: 'request.canceled',
      packageId: request.packageId,
      requestId: request.id,
      subjectUserId: r.user_id,
      data: { from: r.state, note },
    });
    await notify(tx, now, {
      kind: 'request_canceled',
      recipient: r.user_id,
      idempotencyKey: `request_canceled:${r.id}`,
      data: {
        requestId: request.id,
        request: formatRequestId(request.id),
        packageId: request.packageId,
        packageName: r.package_name,
        note,
      },
    });
    if (r.state === 'pending_approval') {
      await tellStageApprovers(tx, now, 'request_canceled', request, r.package_name, Number(r.stage), null, {
        note,
      });
    }
  }
  return rows.map((r) => Number(r.id));
}

/** A resource role added to a package reaches everyone who already holds the package. */
export async function grantRoleToActiveAssignees(
  tx: Db,
  now: Date,
  _actor: Actor,
  packageId: number,
  resourceId: number,
  role: string,
): Promise<number[]> {
  await tx.execute(sql`update fulfilments f set state = 'canceled', done_at = ${now}, claimed_until = null
      from assignments a
     where f.assignment_id = a.id and a.package_id = ${packageId} and a.state in ${ACTIVE}
       and f.resource_id = ${resourceId} and f.role = ${role} and f.action = 'revoke' and f.state in ('pending','failed')`);
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, created_at)
      select a.id, ${resourceId}, ${role}, a.user_id, 'grant', 'pending', ${now}, ${now}
        from assignments a where a.package_id = ${packageId} and a.state in ${ACTIVE}
      on conflict (assignment_id, resource_id, role, action) do update
        set state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = null,
            claimed_until = null, done_at = null
      returning id`,
  );
  return rows.map((r) => Number(r.id));
}

/** A resource role taken off a package is revoked from its holders (unless another package grants it). */
export async function revokeRoleFromActiveAssignees(
  tx: Db,
  now: Date,
  _actor: Actor,
  packageId: number,
  resourceId: number,
  role: string,
): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`with grants as (
      select f.* from fulfilments f join assignments a on a.id = f.assignment_id
       where a.package_id = ${packageId} and a.state in ${ACTIVE}
         and f.resource_id = ${resourceId} and f.role = ${role} and f.action = 'grant'
    ),
    -- The grants stop standing for access: the revokes below undo what reached the resource.
    canceled as (
      update fulfilments f set state = 'canceled', done_at = ${now}, claimed_until = null
        from grants g where f.id = g.id
    )
    insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, created_at)
    select g.assignment_id, g.resource_id, g.role, g.user_id, 'revoke', 'pending', ${now}, ${now}
      from grants g where g.state = 'delivered' or g.attempts > 0
    on conflict (assignment_id, resource_id, role, action) do update
      set state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = null,
          claimed_until = null, done_at = null
    returning id`,
  );
  return rows.map((r) => Number(r.id));
}

/** A Postgres int[] literal from numbers (driver-independent). */
export function sqlIntArray(values: readonly number[]): SQL {
  const safe = values.map((v) => {
    if (!Number.isSafeInteger(v)) throw new TypeError(`not an integer id: ${v}`);
    return v;
  });
  return sql`${`{${safe.join(',')}}`}::int[]`;
}
