import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  accessPackages,
  approvalDecisions,
  assignments,
  policies,
  requestApprovers,
  requests,
} from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { type ExtensionRefusal, extensionRefusal } from '../../domain/expiry.js';
import {
  ACTIVE_ASSIGNMENT_STATES,
  type AssignmentState,
  formatRequestId,
  OPEN_REQUEST_STATES,
} from '../../domain/states.js';
import { requirePermission } from '../authz.js';
import { policySettingsOf } from '../catalog/policies.js';
import type { Actor, EngineDeps } from '../context.js';
import { parseInput } from '../validate.js';
import { requestCardData } from './approval-stages.js';
import { requestIdSchema } from './request-inputs.js';
import { snapshotOf } from './request-loaders.js';
import { type RequestSummary, summaryColumns, toSummary } from './request-summary.js';

export { auditTrail, packageAssignments, packageRequests } from './request-admin-queries.js';
export type { RequestSummary } from './request-summary.js';

/**
 * Read models for the Slack screens (App Home, `/access my|history|approvals|requests|assignments|
 * audit`, request details). Each is one or two queries on the root handle, outside any transaction.
 */

const activeStates = [...ACTIVE_ASSIGNMENT_STATES];

export interface MyAssignment {
  assignmentId: number;
  packageId: number;
  packageName: string;
  state: AssignmentState;
  startsAt: Date;
  endsAt: Date | null;
  extensionCount: number;
  canExtend: boolean;
  /** Why not, when it can't be extended now. */
  extendRefusal: ExtensionRefusal | null;
}

/** The person's active assignments, soonest end first (never-ending last). */
export async function myAssignments(deps: EngineDeps, userId: string): Promise<MyAssignment[]> {
  const now = deps.clock.now();
  const rows = await deps.database.db
    .select({
      a: assignments,
      packageName: accessPackages.name,
      snapshot: requests.policySnapshot,
      policy: policies,
    })
    .from(assignments)
    .innerJoin(accessPackages, eq(accessPackages.id, assignments.packageId))
    .leftJoin(requests, eq(requests.id, assignments.requestId))
    .leftJoin(policies, eq(policies.id, assignments.policyId))
    .where(and(eq(assignments.userId, userId), inArray(assignments.state, activeStates)))
    .orderBy(sql`${assignments.endsAt} asc nulls last`, asc(assignments.id));
  return rows.map(({ a, packageName, snapshot, policy }) => {
    const settings = snapshotOf({ policySnapshot: snapshot }) ?? (policy ? policySettingsOf(policy) : null);
    const refusal = settings ? extensionRefusal(settings.extension, a, now) : 'not_allowed';
    return {
      assignmentId: a.id,
      packageId: a.packageId,
      packageName,
      state: a.state,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      extensionCount: a.extensionCount,
      canExtend: refusal === null,
      extendRefusal: refusal,
    };
  });
}

/** What a person holds and has asked for: enough to refuse a request form before it opens. */
export interface RequestStanding {
  assignments: MyAssignment[];
  openRequests: RequestSummary[];
}

/**
 * The person's active assignments and open requests, read side by side (two statements, no
 * transaction): a caller starts it beside `requestablePackages`, so opening the request form
 * waits for one round trip, not three.
 */
export async function requestStanding(deps: EngineDeps, userId: string): Promise<RequestStanding> {
  const [assignments, openRequests] = await Promise.all([
    myAssignments(deps, userId),
    myRequests(deps, userId, { open: true }),
  ]);
  return { assignments, openRequests };
}

/** The person's requests, newest first; `open`: only those still waiting (submitted … scheduled). */
export async function myRequests(
  deps: EngineDeps,
  userId: string,
  options: { open?: boolean; limit?: number } = {},
): Promise<RequestSummary[]> {
  const rows = await deps.database.db
    .select(summaryColumns)
    .from(requests)
    .innerJoin(accessPackages, eq(accessPackages.id, requests.packageId))
    .leftJoin(assignments, eq(assignments.id, requests.assignmentId))
    .where(
      and(
        eq(requests.userId, userId),
        options.open ? inArray(requests.state, [...OPEN_REQUEST_STATES]) : undefined,
      ),
    )
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(options.limit ?? 50);
  return rows.map(toSummary);
}

/** Request history (the My Access portal's): every request, newest first, with its outcome. */
export async function requestHistory(
  deps: EngineDeps,
  userId: string,
  options: { limit?: number } = {},
): Promise<RequestSummary[]> {
  return myRequests(deps, userId, options);
}

/** Requests waiting on this approver: they approve the current stage and nobody has decided it. */
export async function requestsAwaiting(deps: EngineDeps, approverId: string) {
  const rows = await deps.database.db
    .select({
      r: requests,
      packageName: accessPackages.name,
      reason: requestApprovers.reason,
      isFallback: requestApprovers.isFallback,
    })
    .from(requests)
    .innerJoin(
      requestApprovers,
      and(
        eq(requestApprovers.requestId, requests.id),
        eq(requestApprovers.stage, requests.stage),
        eq(requestApprovers.userId, approverId),
      ),
    )
    .innerJoin(accessPackages, eq(accessPackages.id, requests.packageId))
    .where(
      and(
        eq(requests.state, 'pending_approval'),
        sql`not exists (select 1 from ${approvalDecisions} d where d.request_id = ${requests.id} and d.stage = ${requests.stage})`,
      ),
    )
    .orderBy(asc(requests.stageDueAt), asc(requests.id));
  return rows.map(({ r, packageName, reason, isFallback }) => {
    const settings = snapshotOf(r);
    return {
      ...(settings ? requestCardData(r, packageName, settings) : { requestId: r.id, packageName }),
      stage: r.stage,
      reason,
      isFallback,
      submittedAt: r.createdAt,
      dueAt: r.stageDueAt,
    };
  });
}

/**
 * A request with its decisions, approvers and answers. The requestor, its approvers and catalog
 * readers (and admins) may see it: it carries a justification and answers.
 */
export async function getRequest(deps: EngineDeps, actor: Actor, requestId: number | string) {
  const id = parseInput(requestIdSchema, requestId);
  const db = deps.database.db;
  const [row] = await db
    .select({ ...summaryColumns, catalogId: accessPackages.catalogId })
    .from(requests)
    .innerJoin(accessPackages, eq(accessPackages.id, requests.packageId))
    .leftJoin(assignments, eq(assignments.id, requests.assignmentId))
    .where(eq(requests.id, id));
  if (!row) throw new GatehouseError('request.not_found', `There is no request ${formatRequestId(id)}.`);
  const [approvers, decisions] = await Promise.all([
    db
      .select()
      .from(requestApprovers)
      .where(eq(requestApprovers.requestId, id))
      .orderBy(asc(requestApprovers.stage), asc(requestApprovers.addedAt), asc(requestApprovers.userId)),
    db
      .select()
      .from(approvalDecisions)
      .where(eq(approvalDecisions.requestId, id))
      .orderBy(asc(approvalDecisions.stage)),
  ]);
  const involved = [row.r.userId, row.r.requestedBy, ...approvers.map((a) => a.userId)];
  if (!involved.includes(actor.userId)) {
    await requirePermission(db, deps, actor, row.catalogId, 'catalog.read');
  }
  const settings = snapshotOf(row.r);
  return {
    ...toSummary(row),
    policyId: row.r.policyId,
    policyVersion: row.r.policyVersion,
    policyName: settings?.name ?? null,
    stages: settings?.approvalStages.length ?? 0,
    assignmentId: row.r.assignmentId,
    answers: (settings?.questions ?? [])
      .filter((q) => row.r.answers[q.id] !== undefined)
      .map((q) => ({ id: q.id, question: q.text, answer: row.r.answers[q.id]! })),
    approvers: approvers.map((a) => ({
      stage: a.stage,
      userId: a.userId,
      reason: a.reason,
      isFallback: a.isFallback,
    })),
    decisions: decisions.map((d) => ({
      stage: d.stage,
      approverId: d.approverId,
      decision: d.decision,
      reason: d.reason,
      decidedAt: d.decidedAt,
    })),
  };
}
