import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { nextAttemptDelayMs } from '../../domain/backoff.js';
import { notification } from '../../domain/notifications.js';
import { audit } from '../audit.js';
import { SYSTEM } from '../context.js';
import { notify } from '../notify.js';
import { ACTIVE_ASSIGNMENTS, DUE_FULFILMENTS, sqlIntArray } from '../sql-lists.js';

/**
 * The only writer of a fulfilment's state: grants queued for a new assignment or a role added to a
 * package, revokes queued when access ends or a role is taken off, the outcome of each attempt,
 * an admin's retry, reconciliation putting a lost grant back in the queue. Delivery itself (the
 * connector calls, outside any transaction) is delivery-runner.ts.
 */

/** What an attempt came to. */
export type DeliveryOutcome =
  | { state: 'delivered' }
  | { state: 'skipped' | 'canceled'; note: string }
  | { state: 'failed' | 'abandoned'; error: string };

/** A fulfilment an attempt was made for, as the runner claimed it. */
export interface AttemptedFulfilment {
  id: number;
  assignment_id: number;
  resource_id: number;
  resource_name: string;
  role: string;
  user_id: string;
  action: 'grant' | 'revoke';
  attempts: number;
  package_id: number;
  package_name: string;
}

/** One resource role of a package: what its holders are granted, or have revoked, together. */
export interface PackageRole {
  packageId: number;
  resourceId: number;
  role: string;
}

/** A re-queued fulfilment starts over: pending, no attempts, due now. */
const REQUEUE = sql`set state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = null,
            claimed_until = null, done_at = null`;

/**
 * Runs `insert` (an insert of fulfilments, with any `with` it needs); one that exists already
 * for the same assignment, resource role and action is re-queued instead. The ids queued.
 */
async function insertOrRequeue(tx: Db, insert: SQL): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`${insert}
    on conflict (assignment_id, resource_id, role, action) do update ${REQUEUE}
    returning id`,
  );
  return rows.map((r) => Number(r.id));
}

/** One pending grant per resource role of the package; leased to the caller for `claimForMs`. */
export async function queueGrants(
  tx: Db,
  now: Date,
  assignment: { id: number; userId: string; packageId: number },
  claimForMs?: number,
): Promise<{ fulfilmentIds: number[]; resourceRoles: number }> {
  const claimedUntil = claimForMs ? new Date(now.getTime() + claimForMs) : null;
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, claimed_until, created_at)
        select ${assignment.id}, prr.resource_id, prr.role, ${assignment.userId}, 'grant', 'pending', ${now}, ${claimedUntil}, ${now}
          from package_resource_roles prr where prr.package_id = ${assignment.packageId}
         order by prr.id
        returning id`,
  );
  const fulfilmentIds = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  return { fulfilmentIds, resourceRoles: fulfilmentIds.length };
}

/**
 * Access ended: grants never attempted are canceled; every grant that reached (or may have
 * reached) the resource gets a revoke. Invariant 4 is checked when the revoke is delivered.
 */
export async function queueRevokes(tx: Db, now: Date, assignmentIds: readonly number[]): Promise<number[]> {
  if (assignmentIds.length === 0) return [];
  const ids = sqlIntArray(assignmentIds);
  return insertOrRequeue(
    tx,
    sql`with canceled as (
      update fulfilments f set state = 'canceled', claimed_until = null, done_at = ${now}
       where f.assignment_id = any(${ids}) and f.action = 'grant' and f.state in ${DUE_FULFILMENTS} and f.attempts = 0
    )
    insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, created_at)
    select f.assignment_id, f.resource_id, f.role, f.user_id, 'revoke', 'pending', ${now}, ${now}
      from fulfilments f
     where f.assignment_id = any(${ids}) and f.action = 'grant'
       and f.state not in ('canceled','skipped') and (f.state = 'delivered' or f.attempts > 0)`,
  );
}

/** A resource role added to a package reaches everyone who already holds the package. */
export async function grantRoleToActiveAssignees(
  tx: Db,
  now: Date,
  { packageId, resourceId, role }: PackageRole,
): Promise<number[]> {
  await tx.execute(sql`update fulfilments f set state = 'canceled', done_at = ${now}, claimed_until = null
      from assignments a
     where f.assignment_id = a.id and a.package_id = ${packageId} and a.state in ${ACTIVE_ASSIGNMENTS}
       and f.resource_id = ${resourceId} and f.role = ${role} and f.action = 'revoke' and f.state in ${DUE_FULFILMENTS}`);
  return insertOrRequeue(
    tx,
    sql`insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, created_at)
      select a.id, ${resourceId}, ${role}, a.user_id, 'grant', 'pending', ${now}, ${now}
        from assignments a where a.package_id = ${packageId} and a.state in ${ACTIVE_ASSIGNMENTS}`,
  );
}

/** A resource role taken off a package is revoked from its holders (unless another package grants it). */
export async function revokeRoleFromActiveAssignees(
  tx: Db,
  now: Date,
  { packageId, resourceId, role }: PackageRole,
): Promise<number[]> {
  return insertOrRequeue(
    tx,
    sql`with grants as (
      select f.* from fulfilments f join assignments a on a.id = f.assignment_id
       where a.package_id = ${packageId} and a.state in ${ACTIVE_ASSIGNMENTS}
         and f.resource_id = ${resourceId} and f.role = ${role} and f.action = 'grant'
    ),
    -- The grants stop standing for access: the revokes below undo what reached the resource.
    canceled as (
      update fulfilments f set state = 'canceled', done_at = ${now}, claimed_until = null
        from grants g where f.id = g.id
    )
    insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, next_attempt_at, created_at)
    select g.assignment_id, g.resource_id, g.role, g.user_id, 'revoke', 'pending', ${now}, ${now}
      from grants g where g.state = 'delivered' or g.attempts > 0`,
  );
}

/**
 * Records an attempt's outcome (a failure comes back after its backoff) and audits a revoke's.
 * False when the fulfilment was canceled meanwhile (the assignment ended): the revoke queued then
 * undoes whatever this attempt did. A grant given up is reported to the admins, with a Retry.
 */
export async function recordAttempt(
  tx: Db,
  now: Date,
  f: AttemptedFulfilment,
  outcome: DeliveryOutcome,
  adminUserIds: readonly string[],
): Promise<boolean> {
  const error = 'error' in outcome ? outcome.error : 'note' in outcome ? outcome.note : null;
  const nextAttemptAt =
    outcome.state === 'failed' ? new Date(now.getTime() + nextAttemptDelayMs(f.attempts)) : now;
  const done = outcome.state === 'failed' ? null : now;
  const updated = await queryRows<{ id: number }>(
    tx,
    sql`update fulfilments set state = ${outcome.state}, last_error = ${error}, next_attempt_at = ${nextAttemptAt},
               done_at = ${done}, claimed_until = null
         where id = ${f.id} and state in ${DUE_FULFILMENTS}
        returning id`,
  );
  if (updated.length === 0) return false;
  if (f.action === 'revoke') await auditRevoke(tx, now, f, outcome);
  else if (outcome.state === 'abandoned') await tellAdminsOfAbandon(tx, now, f, outcome.error, adminUserIds);
  return true;
}

/**
 * The batch form of recordAttempt: many outcomes of one delivery batch, in the caller's
 * transaction. One answer per item, in order (false: canceled meanwhile).
 */
export async function recordAttempts(
  tx: Db,
  now: Date,
  items: ReadonlyArray<{ fulfilment: AttemptedFulfilment; outcome: DeliveryOutcome }>,
  adminUserIds: readonly string[],
): Promise<boolean[]> {
  const recorded: boolean[] = [];
  for (const { fulfilment, outcome } of items) {
    recorded.push(await recordAttempt(tx, now, fulfilment, outcome, adminUserIds));
  }
  return recorded;
}

/**
 * Slack answered 429: the attempt did nothing and is not a try. The fulfilments go back in the
 * queue due at Retry-After, their attempts as before the claim, the lease released.
 */
export async function deferAttempts(
  tx: Db,
  now: Date,
  fulfilmentIds: readonly number[],
  retryAfterMs: number,
  reason: string,
): Promise<void> {
  if (fulfilmentIds.length === 0) return;
  await tx.execute(sql`update fulfilments set attempts = greatest(attempts - 1, 0),
                              next_attempt_at = ${new Date(now.getTime() + retryAfterMs)},
                              last_error = ${reason}, claimed_until = null
                        where id = any(${sqlIntArray(fulfilmentIds)}) and state in ${DUE_FULFILMENTS}`);
}

async function auditRevoke(
  tx: Db,
  now: Date,
  f: AttemptedFulfilment,
  outcome: DeliveryOutcome,
): Promise<void> {
  if (outcome.state === 'failed') return;
  const action =
    outcome.state === 'delivered'
      ? 'assignment.access_revoked'
      : outcome.state === 'skipped'
        ? 'assignment.revoke_kept'
        : 'assignment.revoke_failed';
  await audit(tx, now, SYSTEM, {
    action,
    assignmentId: Number(f.assignment_id),
    packageId: Number(f.package_id),
    resourceId: f.resource_id,
    subjectUserId: f.user_id,
    data: { role: f.role, resource: f.resource_name, ...('note' in outcome ? { note: outcome.note } : {}) },
  });
}

/** After the last try, the admins are told what failed and that they can retry. */
async function tellAdminsOfAbandon(
  tx: Db,
  now: Date,
  f: AttemptedFulfilment,
  error: string,
  adminUserIds: readonly string[],
): Promise<void> {
  await notify(
    tx,
    now,
    ...adminUserIds.map((admin) =>
      notification('delivery_failed', admin, {
        forAdmin: true,
        fulfilmentId: f.id,
        assignmentId: Number(f.assignment_id),
        packageId: Number(f.package_id),
        packageName: f.package_name,
        userId: f.user_id,
        resource: f.resource_name,
        role: f.role,
        error,
      }),
    ),
  );
}

/** An admin's retry: the assignment's given-up fulfilments start over. */
export async function requeueAbandoned(tx: Db, now: Date, assignmentId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`update fulfilments set state = 'pending', attempts = 0, next_attempt_at = ${now}, last_error = null, claimed_until = null
         where assignment_id = ${assignmentId} and state = 'abandoned'
        returning id`,
  );
  return rows.map((r) => Number(r.id));
}

/** Reconciliation found delivered grants missing from the resource: they go back in the queue. */
export async function requeueMissingGrants(
  tx: Db,
  now: Date,
  fulfilmentIds: readonly number[],
): Promise<void> {
  if (fulfilmentIds.length === 0) return;
  await tx.execute(sql`update fulfilments set state = 'pending', attempts = 0, next_attempt_at = ${now},
                              last_error = 'reconciliation: missing from the resource', claimed_until = null
                        where id = any(${sqlIntArray(fulfilmentIds)}) and state = 'delivered'`);
}
