import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accessPackages, assignments, auditLog, requests, users } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { ACTIVE_ASSIGNMENT_STATES } from '../../domain/states.js';
import { forbidden, isGlobalAdmin, requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { auditingRefusals, auditRefusal } from '../tx.js';
import { parseInput } from '../validate.js';
import { idSchema, slackUserId } from './request-inputs.js';
import { type RequestSummary, summaryColumns, toSummary } from './request-summary.js';

/** The admin side of the read models: a package's requests, its holders, and audit trails. */

const activeStates = [...ACTIVE_ASSIGNMENT_STATES];

/** The package, once the actor may read its catalog. */
async function packageCatalog(deps: EngineDeps, actor: Actor, packageId: unknown) {
  const id = parseInput(idSchema, packageId);
  const [pkg] = await deps.database.db
    .select({ id: accessPackages.id, catalogId: accessPackages.catalogId, name: accessPackages.name })
    .from(accessPackages)
    .where(eq(accessPackages.id, id));
  if (!pkg) throw new GatehouseError('package.not_found', `There is no access package with id ${id}.`);
  await auditingRefusals(deps, () =>
    requirePermission(deps.database.db, deps, actor, pkg.catalogId, 'catalog.read'),
  );
  return pkg;
}

/** A package's requests, newest first (catalog readers and up). */
export async function packageRequests(
  deps: EngineDeps,
  actor: Actor,
  packageId: number | string,
  options: { limit?: number } = {},
): Promise<RequestSummary[]> {
  const pkg = await packageCatalog(deps, actor, packageId);
  const rows = await deps.database.db
    .select(summaryColumns)
    .from(requests)
    .innerJoin(accessPackages, eq(accessPackages.id, requests.packageId))
    .leftJoin(assignments, eq(assignments.id, requests.assignmentId))
    .where(eq(requests.packageId, pkg.id))
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(options.limit ?? 100);
  return rows.map(toSummary);
}

/** Who holds a package now, soonest end first (catalog readers and up). */
export async function packageAssignments(deps: EngineDeps, actor: Actor, packageId: number | string) {
  const pkg = await packageCatalog(deps, actor, packageId);
  const rows = await deps.database.db
    .select({ a: assignments, userName: users.name })
    .from(assignments)
    .leftJoin(users, eq(users.id, assignments.userId))
    .where(and(eq(assignments.packageId, pkg.id), inArray(assignments.state, activeStates)))
    .orderBy(sql`${assignments.endsAt} asc nulls last`, asc(assignments.id));
  return rows.map(({ a, userName }) => ({
    assignmentId: a.id,
    userId: a.userId,
    userName,
    state: a.state,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    extensionCount: a.extensionCount,
    requestId: a.requestId,
  }));
}

const auditInput = z.union([z.object({ packageId: idSchema }), z.object({ userId: slackUserId })]);

/**
 * The audit trail of a package (catalog readers and up) or of a person (admins, or the person
 * themself), newest first.
 */
export async function auditTrail(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
  options: { limit?: number } = {},
) {
  const where = parseInput(auditInput, input);
  const db = deps.database.db;
  let condition: ReturnType<typeof eq>;
  if ('packageId' in where) {
    const pkg = await packageCatalog(deps, actor, where.packageId);
    condition = eq(auditLog.packageId, pkg.id);
  } else {
    if (!isGlobalAdmin(deps, actor) && actor.userId !== where.userId) {
      const refusal = forbidden(
        actor,
        "Only a Gatehouse admin can see someone else's audit trail. Ask for a package's trail instead.",
        { permission: 'admin', subjectUserId: where.userId },
      );
      await auditRefusal(deps, refusal);
      throw refusal;
    }
    condition = or(eq(auditLog.subjectUserId, where.userId), eq(auditLog.actorId, where.userId))!;
  }
  return db
    .select()
    .from(auditLog)
    .where(condition)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(options.limit ?? 100);
}
