import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  type AccessPackage,
  type Assignment,
  accessPackages,
  assignments,
  policies,
} from '../../db/schema.js';
import { GatehouseError, person, type Sentence, sentence } from '../../domain/errors.js';
import { ACTIVE_ASSIGNMENT_STATES, type EndReason, formatRequestId } from '../../domain/states.js';
import { requirePermission } from '../authz.js';
import { loadPackage } from '../catalog/loaders.js';
import { policySettingsOf } from '../catalog/policies.js';
import { type Actor, type EngineDeps, SYSTEM } from '../context.js';
import { endAssignments } from '../lifecycle/assignment-writer.js';
import type { DeliveryReport } from '../lifecycle/delivery-runner.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { deliverAfterCommit, finishRequest, type RequestResult, startDelivery } from './approved-requests.js';
import { refuseIfAssigned, refuseIfIncompatible } from './request-checks.js';
import { idSchema, optionalDate, optionalText, slackUserId } from './request-inputs.js';
import { lockUser, packageName, type Subject } from './request-loaders.js';
import { cancelOpenRequests, createRequest, moveRequest } from './request-writer.js';

export { extendAssignment } from './extensions.js';

const assignInput = z.object({
  userId: slackUserId,
  packageId: idSchema,
  policyId: idSchema.optional(),
  endAt: optionalDate,
  justification: optionalText(2000, 'justification'),
});

/**
 * An admin or assignment manager gives someone a package directly: an `admin_add` request,
 * recorded as approved, delivered now. The same one-active-assignment and separation-of-duties
 * rules apply; the person's own open requests for the package are canceled (this answers them).
 */
export async function assignDirect(deps: EngineDeps, actor: Actor, input: unknown): Promise<RequestResult> {
  const parsed = parseInput(assignInput, input);
  const done = await inTransaction(deps, async (tx, now) => {
    const pkg = await loadPackage(tx, parsed.packageId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'assignment.manage');
    const subject: Subject = { userId: parsed.userId, self: parsed.userId === actor.userId };
    await lockUser(tx, subject);
    const { policy, settings } = await policyForAssignment(tx, pkg, parsed.policyId);
    await refuseIfAssigned(tx, subject, pkg);
    await refuseIfIncompatible(tx, subject, pkg);
    if (parsed.endAt && parsed.endAt.getTime() <= now.getTime()) {
      throw new GatehouseError('policy.timeline_invalid', 'The end date is in the past: pick a later date.', {
        problem: 'end_in_past',
        fields: { endAt: 'Pick a later date.' },
      });
    }
    await cancelOpenRequests(
      tx,
      now,
      actor,
      { packageId: pkg.id, userId: parsed.userId },
      'assigned directly',
    );
    const request = await createRequest(
      tx,
      now,
      actor,
      {
        packageId: pkg.id,
        policyId: policy.id,
        policyVersion: policy.version,
        policySnapshot: settings,
        type: 'admin_add',
        state: 'approved',
        userId: parsed.userId,
        justification: parsed.justification ?? null,
        endAt: parsed.endAt ?? null,
      },
      {
        packageName: pkg.name,
        catalogId: pkg.catalogId,
        audit: { policyId: policy.id, justification: parsed.justification ?? null },
      },
    );
    const proceeded = await startDelivery(tx, now, actor, request, pkg.name, settings, 'approved');
    return { requestId: request.id, ...proceeded };
  });
  return finishRequest(deps, done);
}

async function policyForAssignment(tx: Db, pkg: AccessPackage, policyId: number | undefined) {
  const rows = await tx
    .select()
    .from(policies)
    .where(and(eq(policies.packageId, pkg.id), isNull(policies.deletedAt)))
    .orderBy(asc(policies.priority), asc(policies.id));
  const policy = policyId === undefined ? rows[0] : rows.find((p) => p.id === policyId);
  if (!policy) {
    throw new GatehouseError(
      'policy.not_found',
      policyId === undefined
        ? `${pkg.name} has no policy to assign it under: add one first.`
        : `${pkg.name} has no policy with id ${policyId}.`,
      { packageId: pkg.id, policyId: policyId ?? null },
    );
  }
  return { policy, settings: policySettingsOf(policy) };
}

const reasonText = optionalText(2000, 'reason');
const removeInput = z.union([
  z.object({ assignmentId: idSchema, reason: reasonText }),
  z.object({ userId: slackUserId, packageId: idSchema, reason: reasonText }),
]);

export interface RemovalResult {
  requestId: number;
  request: string;
  assignmentId: number;
  delivery?: DeliveryReport;
}

/** An admin or assignment manager ends someone's assignment (`admin_remove`); revokes run after commit. */
export async function removeAssignment(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
  reason?: string,
): Promise<RemovalResult> {
  const parsed = parseInput(removeInput, input);
  const note = parsed.reason ?? parseInput(reasonText, reason);
  const done = await inTransaction(deps, async (tx, now) => {
    let assignment: Assignment;
    if ('assignmentId' in parsed) {
      const found = await activeAssignment(tx, { id: parsed.assignmentId });
      if (!found) throw notHeld(`Assignment ${parsed.assignmentId} isn't active.`);
      const pkg = await loadPackageAnyState(tx, found.packageId);
      await requirePermission(tx, deps, actor, pkg.catalogId, 'assignment.manage');
      assignment = found;
    } else {
      const pkg = await loadPackage(tx, parsed.packageId);
      await requirePermission(tx, deps, actor, pkg.catalogId, 'assignment.manage');
      const found = await activeAssignment(tx, { userId: parsed.userId, packageId: pkg.id });
      if (!found) throw notHeld(sentence`${person(parsed.userId)} doesn't have ${pkg.name}.`);
      assignment = found;
    }
    return endWithRequest(tx, now, actor, assignment, 'admin_remove', 'removed_by_admin', note);
  });
  return finishRemoval(deps, done);
}

const removeMineInput = z.union([z.object({ assignmentId: idSchema }), z.object({ packageId: idSchema })]);

/** The holder's own "I'm done": a `user_remove` request ends their assignment now. */
export async function removeMyAssignment(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<RemovalResult> {
  const parsed = parseInput(removeMineInput, input);
  const done = await inTransaction(deps, async (tx, now) => {
    const found = await activeAssignment(
      tx,
      'assignmentId' in parsed
        ? { id: parsed.assignmentId, userId: actor.userId }
        : { packageId: parsed.packageId, userId: actor.userId },
    );
    if (!found) {
      const what = 'packageId' in parsed ? await packageName(tx, parsed.packageId) : 'that access';
      throw notHeld(`You don't have ${what}.`);
    }
    return endWithRequest(tx, now, actor, found, 'user_remove', 'removed_by_user', undefined);
  });
  return finishRemoval(deps, done);
}

function notHeld(message: string | Sentence): GatehouseError {
  return new GatehouseError('assignment.not_found', message);
}

/** The active assignment matching every given column, locked. */
export async function activeAssignment(
  tx: Db,
  where: { id?: number; userId?: string; packageId?: number },
): Promise<Assignment | null> {
  const [row] = await tx
    .select()
    .from(assignments)
    .where(
      and(
        inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES]),
        where.id !== undefined ? eq(assignments.id, where.id) : undefined,
        where.userId !== undefined ? eq(assignments.userId, where.userId) : undefined,
        where.packageId !== undefined ? eq(assignments.packageId, where.packageId) : undefined,
      ),
    )
    .for('update');
  return row ?? null;
}

async function loadPackageAnyState(tx: Db, packageId: number): Promise<{ catalogId: number }> {
  const [row] = await tx
    .select({ catalogId: accessPackages.catalogId })
    .from(accessPackages)
    .where(eq(accessPackages.id, packageId));
  return row!;
}

/**
 * A removal is recorded as a request (admin_remove / user_remove) that is done at once: the
 * assignment ends in this transaction, its revokes are queued, and open requests about the
 * package (a pending extension) are canceled.
 */
async function endWithRequest(
  tx: Db,
  now: Date,
  actor: Actor,
  assignment: Assignment,
  type: 'admin_remove' | 'user_remove',
  reason: EndReason,
  note: string | undefined,
) {
  const ref = await createRequest(
    tx,
    now,
    actor,
    {
      packageId: assignment.packageId,
      policyId: assignment.policyId,
      type,
      state: 'approved',
      userId: assignment.userId,
      justification: note ?? null,
      assignmentId: assignment.id,
    },
    { audit: { note: note ?? null } },
  );
  const { fulfilmentIds } = await endAssignments(tx, now, actor, [assignment.id], reason, note);
  await moveRequest(tx, now, actor, ref, { to: 'delivered', via: ['delivering'], set: { closedAt: now } });
  await cancelOpenRequests(
    tx,
    now,
    actor,
    { packageId: assignment.packageId, userId: assignment.userId },
    'the access was removed',
  );
  return { requestId: ref.id, assignmentId: assignment.id, fulfilmentIds };
}

async function finishRemoval(
  deps: EngineDeps,
  done: { requestId: number; assignmentId: number; fulfilmentIds: number[] },
): Promise<RemovalResult> {
  const delivery = await deliverAfterCommit(deps, done.fulfilmentIds, false);
  return {
    requestId: done.requestId,
    request: formatRequestId(done.requestId),
    assignmentId: done.assignmentId,
    ...(delivery ? { delivery } : {}),
  };
}

export interface DeactivationResult {
  endedAssignmentIds: number[];
  canceledRequestIds: number[];
}

/**
 * A user Slack reports deactivated loses everything, like a user removed from the directory in
 * Entra: every active assignment ends (`user_deactivated`, revokes delivered after commit) and
 * their open requests are canceled. Idempotent: a second call finds nothing left to end.
 */
export async function removeDeactivatedUser(deps: EngineDeps, userId: string): Promise<DeactivationResult> {
  const id = parseInput(slackUserId, userId);
  const done = await inTransaction(deps, async (tx, now) => {
    const held = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(and(eq(assignments.userId, id), inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES])));
    const { ended, fulfilmentIds } = await endAssignments(
      tx,
      now,
      SYSTEM,
      held.map((a) => a.id),
      'user_deactivated',
    );
    const canceled = await cancelOpenRequests(tx, now, SYSTEM, { userId: id }, 'the account was deactivated');
    return { endedAssignmentIds: ended.map((e) => e.id), canceledRequestIds: canceled, fulfilmentIds };
  });
  await deliverAfterCommit(deps, done.fulfilmentIds, false);
  return { endedAssignmentIds: done.endedAssignmentIds, canceledRequestIds: done.canceledRequestIds };
}
