import { eq, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { type Assignment, assignments } from '../../db/schema.js';
import { settleDelivery } from '../../domain/delivery.js';
import { GatehouseError, person, sentence } from '../../domain/errors.js';
import { computeEndsAt } from '../../domain/expiry.js';
import { type Notification, notification } from '../../domain/notifications.js';
import type { PolicySettings } from '../../domain/policy.js';
import {
  ACTIVE_ASSIGNMENT_STATES,
  type AssignmentState,
  assertAssignmentTransition,
  DELIVERY_REQUEST_STATES,
  type EndReason,
  endStateFor,
  formatRequestId,
  isActiveAssignment,
  type RequestState,
} from '../../domain/states.js';
import { type AuditEvent, audit } from '../audit.js';
import { type Actor, SYSTEM } from '../context.js';
import { notify } from '../notify.js';
import { cancelOpenRequests, moveRequest } from '../requests/request-writer.js';
import { DONE_FULFILMENTS, sqlIntArray, sqlStateList } from '../sql-lists.js';
import { sqlState, UNIQUE_VIOLATION, wakeAfterCommit } from '../tx.js';
import { dropUnsentReminders, scheduleReminders } from './expiry-reminders.js';
import { type DeliveryOutcome, queueGrants, queueRevokes } from './fulfilment-writer.js';

/**
 * The only writer of an assignment's state. An assignment is created `delivering` with its grants;
 * delivery settles it (`delivered`, `delivery_failed`) and its request with it; it ends `expired`
 * or `removed` with its revokes. Every move is checked against the domain's state table
 * (`state.illegal_transition` otherwise) and written with its audit row (`assignment.<state>`,
 * from where it came) and its DM in the caller's transaction. Expiry, removals, package deletion,
 * deactivation and reviews all end access through `transitionAssignments`: one UPDATE for the
 * whole batch, then one statement each for revokes, reminders, audit rows and DMs.
 */

export type { EndReason } from '../../domain/states.js';

export interface EndedAssignment {
  id: number;
  userId: string;
  packageId: number;
  packageName: string;
  requestId: number | null;
  state: 'expired' | 'removed';
}

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
        sentence`${person(input.userId)} already has ${input.packageName}.`,
        {
          userId: input.userId,
          packageId: input.packageId,
        },
      );
    }
    throw error;
  }
  const { fulfilmentIds, resourceRoles } = await queueGrants(
    tx,
    now,
    { id: assignmentId, userId: input.userId, packageId: input.packageId },
    input.claimForMs,
  );
  // Leased grants are the caller's to deliver; others are the delivery job's, woken at commit.
  if (fulfilmentIds.length > 0 && !input.claimForMs) wakeAfterCommit(tx, 'delivery');
  await scheduleReminders(tx, now, assignmentId, input.endsAt, input.reminderOffsetsHours, { fresh: true });
  await audit(tx, now, actor, {
    action: 'assignment.created',
    packageId: input.packageId,
    assignmentId,
    requestId: input.requestId,
    subjectUserId: input.userId,
    data: {
      startsAt: input.startsAt.toISOString(),
      endsAt: input.endsAt?.toISOString() ?? null,
      resourceRoles,
      ...(input.requestId ? { request: formatRequestId(input.requestId) } : {}),
    },
  });
  return { assignmentId, fulfilmentIds };
}

/** Which assignments a transition is about: these ids, or up to `limit` whose end has come. */
export type AssignmentTarget =
  | { ids: readonly number[] }
  | { endedBy: Date; limit: number; skipLocked: true };

export interface MovedAssignment {
  id: number;
  userId: string;
  packageId: number;
  packageName: string;
  requestId: number | null;
  from: AssignmentState;
}

/**
 * Moves the targeted assignments that are in one of `from` to `to`, every (from, to) pair
 * checked against the state table before anything is written; the others are left as they are.
 * One UPDATE (rows locked, in id or due order), then one audit insert (`assignment.<to>`, with
 * `from` and `audit`). Ending (`ending`) also records when, why and by whom.
 */
export async function transitionAssignments(
  tx: Db,
  now: Date,
  actor: Actor,
  target: AssignmentTarget,
  from: readonly AssignmentState[],
  to: AssignmentState,
  options: { ending?: { reason: EndReason }; audit?: Record<string, unknown> } = {},
): Promise<MovedAssignment[]> {
  for (const state of from) assertAssignmentTransition(state, to);
  if ('ids' in target && target.ids.length === 0) return [];
  const states = sqlStateList(from);
  const due: SQL =
    'ids' in target
      ? sql`select id, state from assignments where id = any(${sqlIntArray(target.ids)}) and state in ${states}
             order by id for update`
      : sql`select id, state from assignments
             where state in ${states} and ends_at is not null and ends_at <= ${target.endedBy}
             order by ends_at, id limit ${target.limit} for update skip locked`;
  const ending = options.ending
    ? sql`, ended_at = ${now}, end_reason = ${options.ending.reason}, ended_by = ${actor.userId}, claimed_until = null`
    : sql``;
  const rows = await queryRows<{
    id: number;
    user_id: string;
    package_id: number;
    package_name: string;
    request_id: number | null;
    from_state: AssignmentState;
  }>(
    tx,
    sql`with due as (${due})
      update assignments a set state = ${to}::assignment_state, updated_at = ${now}${ending}
        from due, access_packages p
       where a.id = due.id and p.id = a.package_id
      returning a.id, a.user_id, a.package_id, p.name as package_name, a.request_id, due.state as from_state`,
  );
  const moved = rows
    .map((r) => ({
      id: Number(r.id),
      userId: r.user_id,
      packageId: Number(r.package_id),
      packageName: r.package_name,
      requestId: r.request_id === null ? null : Number(r.request_id),
      from: r.from_state,
    }))
    .sort((a, b) => a.id - b.id);
  await audit(
    tx,
    now,
    actor,
    ...moved.map(
      (m): AuditEvent => ({
        action: `assignment.${to}`,
        packageId: m.packageId,
        assignmentId: m.id,
        requestId: m.requestId,
        subjectUserId: m.userId,
        data: { from: m.from, ...options.audit },
      }),
    ),
  );
  return moved;
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
  return endTargeted(tx, now, actor, { ids: assignmentIds }, reason, note);
}

/**
 * Ends up to `limit` assignments due at `now`, skipping rows another runner holds: a few
 * set-based statements for the whole batch (state, revokes, reminders, audit, outbox), never a
 * loop per row.
 */
export async function expireDueBatch(
  tx: Db,
  now: Date,
  actor: Actor,
  limit: number,
): Promise<{ ended: number; fulfilmentIds: number[] }> {
  const { ended, fulfilmentIds } = await endTargeted(
    tx,
    now,
    actor,
    { endedBy: now, limit, skipLocked: true },
    'expired',
    undefined,
  );
  return { ended: ended.length, fulfilmentIds };
}

async function endTargeted(
  tx: Db,
  now: Date,
  actor: Actor,
  target: AssignmentTarget,
  reason: EndReason,
  note: string | undefined,
): Promise<{ ended: EndedAssignment[]; fulfilmentIds: number[] }> {
  const state = endStateFor(reason);
  const moved = await transitionAssignments(tx, now, actor, target, ACTIVE_ASSIGNMENT_STATES, state, {
    ending: { reason },
    audit: { reason, note: note ?? null },
  });
  if (moved.length === 0) return { ended: [], fulfilmentIds: [] };
  const ids = moved.map((m) => m.id);
  const fulfilmentIds = await queueRevokes(tx, now, ids);
  if (fulfilmentIds.length > 0) wakeAfterCommit(tx, 'delivery');
  await dropUnsentReminders(tx, ids);
  await notify(
    tx,
    now,
    ...moved.map((m) =>
      notification('access_ended', m.userId, {
        assignmentId: m.id,
        packageId: m.packageId,
        packageName: m.packageName,
        reason,
        note: note ?? null,
        endedAt: now.toISOString(),
      }),
    ),
  );
  // An extension still waiting for approval has nothing left to extend.
  await cancelOpenRequests(
    tx,
    now,
    actor,
    { assignmentIds: ids },
    reason === 'expired'
      ? 'the access it would extend has expired'
      : 'the access it would extend was removed',
  );
  return {
    ended: moved.map((m) => ({
      id: m.id,
      userId: m.userId,
      packageId: m.packageId,
      packageName: m.packageName,
      requestId: m.requestId,
      state,
    })),
    fulfilmentIds,
  };
}

/**
 * Moves the assignment and its request to what their grants now say (domain/delivery.ts), with
 * audit rows and DMs: `access_delivered` once it is delivered, `delivery_failed` when it failed.
 * The caller holds the assignment's row lock.
 */
export async function settleAssignment(
  tx: Db,
  now: Date,
  assignmentId: number,
  outcome: DeliveryOutcome = { state: 'delivered' },
): Promise<void> {
  const [row] = await queryRows<{
    state: AssignmentState;
    user_id: string;
    package_id: number;
    package_name: string;
    ends_at: Date | null;
    request_id: number | null;
    request_state: RequestState | null;
    total: number;
    done: number;
    pending: number;
    failed: number;
    abandoned: number;
  }>(
    tx,
    sql`select a.state, a.user_id, a.package_id, p.name as package_name, a.ends_at, a.request_id, r.state as request_state,
               count(f.id)::int as total,
               (count(f.id) filter (where f.state in ${DONE_FULFILMENTS}))::int as done,
               (count(f.id) filter (where f.state = 'pending'))::int as pending,
               (count(f.id) filter (where f.state = 'failed'))::int as failed,
               (count(f.id) filter (where f.state = 'abandoned'))::int as abandoned
          from assignments a
          join access_packages p on p.id = a.package_id
          left join requests r on r.id = a.request_id
          left join fulfilments f on f.assignment_id = a.id and f.action = 'grant' and f.state <> 'canceled'
         where a.id = ${assignmentId}
         group by a.id, p.name, r.state`,
  );
  if (!row || !isActiveAssignment(row.state)) return;
  const settled = settleDelivery(row.state, row);
  const requestId = row.request_id === null ? null : Number(row.request_id);
  const packageId = Number(row.package_id);

  if (settled.assignment !== row.state) {
    await transitionAssignments(tx, now, SYSTEM, { ids: [assignmentId] }, [row.state], settled.assignment, {
      ...('error' in outcome ? { audit: { error: outcome.error } } : {}),
    });
  }
  if (
    requestId !== null &&
    settled.request !== null &&
    row.request_state !== null &&
    settled.request !== row.request_state &&
    DELIVERY_REQUEST_STATES.includes(row.request_state)
  ) {
    await moveRequest(
      tx,
      now,
      SYSTEM,
      { id: requestId, packageId, userId: row.user_id, state: row.request_state, stage: 0 },
      {
        to: settled.request,
        set: { closedAt: settled.request === 'delivered' ? now : null },
        assignmentId,
      },
    );
  }

  const subject = {
    assignmentId,
    packageId,
    packageName: row.package_name,
    requestId,
    endsAt: row.ends_at ? new Date(row.ends_at).toISOString() : null,
  };
  const told: Notification[] = [];
  if (settled.assignment === 'delivered' && row.state !== 'delivered') {
    told.push(notification('access_delivered', row.user_id, subject));
  } else if (settled.request === 'delivery_failed' || settled.request === 'partially_delivered') {
    told.push(
      notification('delivery_failed', row.user_id, {
        ...subject,
        partial: settled.request === 'partially_delivered',
        error: 'error' in outcome ? outcome.error : null,
      }),
    );
  }
  await notify(tx, now, ...told);
}

/** The active assignment, locked; null when it ended or never was. */
export async function lockActiveAssignment(tx: Db, assignmentId: number): Promise<Assignment | null> {
  const [row] = await tx.select().from(assignments).where(eq(assignments.id, assignmentId)).for('update');
  return row && isActiveAssignment(row.state) ? row : null;
}

/**
 * Moves the SAME assignment's end by the policy's expiry, counted from its current end, counts
 * the extension, re-arms the reminders and tells the holder.
 */
export async function applyExtension(
  tx: Db,
  now: Date,
  actor: Actor,
  assignment: Assignment,
  packageName: string,
  settings: PolicySettings,
  requestId: number | null,
): Promise<{ endsAt: Date | null; extensionCount: number }> {
  const from = assignment.endsAt;
  const endsAt = computeEndsAt(settings.expiry, from ?? now);
  const extensionCount = assignment.extensionCount + 1;
  await tx
    .update(assignments)
    .set({ endsAt, extensionCount, updatedAt: now })
    .where(eq(assignments.id, assignment.id));
  await scheduleReminders(tx, now, assignment.id, endsAt, settings.reminderOffsetsHours);
  await audit(tx, now, actor, {
    action: 'assignment.extended',
    packageId: assignment.packageId,
    assignmentId: assignment.id,
    requestId,
    subjectUserId: assignment.userId,
    data: { from: from?.toISOString() ?? null, to: endsAt?.toISOString() ?? null, extensionCount },
  });
  await notify(
    tx,
    now,
    notification('access_extended', assignment.userId, {
      assignmentId: assignment.id,
      packageId: assignment.packageId,
      packageName,
      requestId,
      endsAt: endsAt?.toISOString() ?? null,
      previousEndsAt: from?.toISOString() ?? null,
      extensionCount,
    }),
  );
  return { endsAt, extensionCount };
}
