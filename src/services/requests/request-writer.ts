import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accessPackages, type Request, requestApprovers, requests } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import {
  type DecisionWords,
  type Notification,
  notification,
  type RequestSubject,
  requestSubject,
} from '../../domain/notifications.js';
import {
  assertRequestTransition,
  formatRequestId,
  OPEN_REQUEST_STATES,
  type RequestState,
} from '../../domain/states.js';
import { type AuditEvent, audit } from '../audit.js';
import type { Actor } from '../context.js';
import { notify } from '../notify.js';

/**
 * The only writer of a request's state. Every change is checked against the domain's state table
 * (`state.illegal_transition` otherwise) and written with its audit rows (`request.<state>`, from
 * where it came) and its notifications, in the caller's transaction. Callers say what happened
 * (`RequestNews`); this module decides who is told: the requestor, and the approvers of the stage
 * the request was waiting on, whose cards would otherwise stay open. Batch paths (time-outs,
 * cancellations of many requests) use the same `moveRequests`: one UPDATE, one audit insert, one
 * outbox insert.
 */

/** A request as the writer needs it: where it stands now (the caller holds its row lock). */
export type MovableRequest = Pick<Request, 'id' | 'packageId' | 'userId' | 'state' | 'stage'> & {
  /** Its package's name, for the DMs; looked up when not given. */
  packageName?: string;
};

/** The columns a move may set besides the state. */
export type RequestColumns = Partial<
  Pick<
    typeof requests.$inferInsert,
    | 'stage'
    | 'stageStartedAt'
    | 'stageDueAt'
    | 'stageEscalateAt'
    | 'stageEscalatedAt'
    | 'assignmentId'
    | 'outcomeNote'
    | 'closedAt'
  >
>;

/** What happened, as the people concerned are told it. */
export type RequestNews =
  | { kind: 'request_approved' | 'request_denied'; decided: DecisionWords }
  | { kind: 'request_stage_approved'; decided: DecisionWords; nextStage: number; stages: number }
  | { kind: 'request_canceled'; note: string }
  | { kind: 'request_timed_out' }
  | { kind: 'request_scheduled'; startAt: Date };

export interface RequestMove {
  to: RequestState;
  /** States passed through on the way (each audited): `approved → delivering → delivered`. */
  via?: readonly RequestState[];
  set?: RequestColumns;
  /** Data on the last audit row (`from` is added). */
  audit?: Record<string, unknown> | ((request: MovableRequest) => Record<string, unknown>);
  /** The assignment the audit rows are about, when there is one. */
  assignmentId?: number | null;
  news?: RequestNews;
  /** Queued before the news (the next stage's `approval_needed`, built with `notification()`). */
  notify?: readonly Notification[];
}

export type NewRequest = Omit<typeof requests.$inferInsert, 'requestedBy' | 'createdAt' | 'updatedAt'>;

/**
 * Inserts a request in its first state with its first audit row (`request.<state>`, from nothing),
 * as `actor` asked. A `submitted` request tells its requestor (`request_submitted`).
 */
export async function createRequest(
  tx: Db,
  now: Date,
  actor: Actor,
  values: NewRequest,
  context: {
    /** For the requestor's DM (a submitted request). */
    packageName?: string;
    catalogId?: number;
    audit?: Record<string, unknown>;
    /** How many approval stages it goes through (a submitted request). */
    stages?: number;
  } = {},
): Promise<Request> {
  const [row] = await tx
    .insert(requests)
    .values({ ...values, requestedBy: actor.userId, createdAt: now, updatedAt: now })
    .returning();
  const request = row!;
  await audit(tx, now, actor, {
    action: `request.${request.state}`,
    catalogId: context.catalogId ?? null,
    packageId: request.packageId,
    requestId: request.id,
    assignmentId: request.assignmentId,
    subjectUserId: request.userId,
    data: { from: null, type: request.type, ...context.audit },
  });
  if (request.state === 'submitted') {
    const stages = context.stages ?? 0;
    await notify(
      tx,
      now,
      notification('request_submitted', request.userId, {
        ...requestSubject(request, context.packageName ?? ''),
        type: request.type,
        needsApproval: stages > 0,
        stages,
        startAt: request.startAt?.toISOString() ?? null,
        endAt: request.endAt?.toISOString() ?? null,
      }),
    );
  }
  return request;
}

/** Moves one request (see `moveRequests`). */
export async function moveRequest(
  tx: Db,
  now: Date,
  actor: Actor,
  request: MovableRequest,
  move: RequestMove,
): Promise<void> {
  await moveRequests(tx, now, actor, [request], move);
}

/**
 * Moves requests from where each stands to `move.to` (through `move.via`): every step checked
 * against the state table before anything is written, then one UPDATE guarded by the states the
 * requests were read in (a request that moved meanwhile fails the whole call), their audit rows
 * and their notifications.
 */
export async function moveRequests(
  tx: Db,
  now: Date,
  actor: Actor,
  rows: readonly MovableRequest[],
  move: RequestMove,
): Promise<void> {
  if (rows.length === 0) return;
  const path = (r: MovableRequest): RequestState[] => [r.state, ...(move.via ?? []), move.to];
  for (const r of rows) {
    const steps = path(r);
    for (let i = 1; i < steps.length; i++) assertRequestTransition(steps[i - 1]!, steps[i]!);
  }
  const ids = rows.map((r) => r.id);
  const from = [...new Set(rows.map((r) => r.state))];
  const updated = await tx
    .update(requests)
    .set({ ...move.set, state: move.to, updatedAt: now })
    .where(and(inArray(requests.id, ids), inArray(requests.state, from)))
    .returning({ id: requests.id });
  if (updated.length !== rows.length) {
    throw new GatehouseError(
      'state.illegal_transition',
      rows.length === 1
        ? `${formatRequestId(rows[0]!.id)} changed meanwhile: look at it again.`
        : 'Some of these requests changed meanwhile: look at them again.',
      { requestIds: ids, to: move.to },
    );
  }
  const events: AuditEvent[] = [];
  for (const r of rows) {
    const steps = path(r);
    const data = typeof move.audit === 'function' ? move.audit(r) : (move.audit ?? {});
    for (let i = 1; i < steps.length; i++) {
      events.push({
        action: `request.${steps[i]}`,
        packageId: r.packageId,
        requestId: r.id,
        assignmentId: move.assignmentId ?? null,
        subjectUserId: r.userId,
        data: { from: steps[i - 1], ...(i === steps.length - 1 ? data : {}) },
      });
    }
  }
  await audit(tx, now, actor, ...events);
  const news = move.news ? await tellNews(tx, rows, move.news) : [];
  await notify(tx, now, ...(move.notify ?? []), ...news);
}

/** The requestor's message and, for a request that waited on a stage, each approver's copy. */
async function tellNews(tx: Db, rows: readonly MovableRequest[], news: RequestNews): Promise<Notification[]> {
  const names = await namesOf(tx, rows);
  const waiting = rows.filter((r) => r.state === 'pending_approval' && r.stage >= 1);
  const approvers = await stageApprovers(tx, waiting);
  const except = 'decided' in news ? news.decided.decidedBy : null;
  const messages: Notification[] = [];
  for (const r of rows) {
    const subject = requestSubject(r, names.get(r.id) ?? '');
    messages.push(toRequestor(r, subject, news));
    if (r.state !== 'pending_approval' || r.stage < 1) continue;
    const copy = { ...subject, forApprover: true as const, requestor: r.userId, stage: r.stage };
    for (const approver of approvers.get(`${r.id}:${r.stage}`) ?? []) {
      if (approver === except) continue;
      messages.push(toApprover(approver, copy, news));
    }
  }
  return messages;
}

function toRequestor(r: MovableRequest, subject: RequestSubject, news: RequestNews): Notification {
  switch (news.kind) {
    case 'request_approved':
    case 'request_denied':
      return notification(news.kind, r.userId, { ...subject, ...news.decided });
    case 'request_stage_approved':
      return notification(news.kind, r.userId, {
        ...subject,
        ...news.decided,
        nextStage: news.nextStage,
        stages: news.stages,
      });
    case 'request_canceled':
      return notification(news.kind, r.userId, { ...subject, note: news.note });
    case 'request_timed_out':
      return notification(news.kind, r.userId, { ...subject, requestor: r.userId, stage: r.stage });
    case 'request_scheduled':
      return notification(news.kind, r.userId, { ...subject, startAt: news.startAt.toISOString() });
  }
}

function toApprover(
  approverId: string,
  copy: RequestSubject & { forApprover: true; requestor: string; stage: number },
  news: RequestNews,
): Notification {
  switch (news.kind) {
    case 'request_approved':
    case 'request_denied':
      return notification(news.kind, approverId, { ...copy, ...news.decided });
    case 'request_stage_approved':
      return notification(news.kind, approverId, { ...copy, ...news.decided, nextStage: news.nextStage });
    case 'request_canceled':
      return notification(news.kind, approverId, { ...copy, note: news.note });
    case 'request_timed_out':
      return notification(news.kind, approverId, copy);
    case 'request_scheduled':
      throw new TypeError('a scheduled request has no stage approvers to tell');
  }
}

/** Approver ids by `requestId:stage`, in the order they were added. */
async function stageApprovers(tx: Db, rows: readonly MovableRequest[]): Promise<Map<string, string[]>> {
  const byStage = new Map<string, string[]>();
  if (rows.length === 0) return byStage;
  const found = await tx
    .select({
      requestId: requestApprovers.requestId,
      stage: requestApprovers.stage,
      userId: requestApprovers.userId,
    })
    .from(requestApprovers)
    .where(
      inArray(
        requestApprovers.requestId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(requestApprovers.addedAt), asc(requestApprovers.userId));
  for (const a of found) {
    const key = `${a.requestId}:${a.stage}`;
    byStage.set(key, [...(byStage.get(key) ?? []), a.userId]);
  }
  return byStage;
}

async function namesOf(tx: Db, rows: readonly MovableRequest[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  const missing = new Set<number>();
  for (const r of rows) {
    if (r.packageName !== undefined) names.set(r.id, r.packageName);
    else missing.add(r.packageId);
  }
  if (missing.size === 0) return names;
  const found = await tx
    .select({ id: accessPackages.id, name: accessPackages.name })
    .from(accessPackages)
    .where(inArray(accessPackages.id, [...missing]));
  const byPackage = new Map(found.map((p) => [p.id, p.name]));
  for (const r of rows) {
    if (!names.has(r.id)) names.set(r.id, byPackage.get(r.packageId) ?? `package ${r.packageId}`);
  }
  return names;
}

/**
 * Cancels the open requests (submitted, pending approval, approved, scheduled) of a package, of a
 * user, or the extension requests of given assignments (access that just ended): each requestor
 * is told, and so are the approvers of a pending stage.
 */
export async function cancelOpenRequests(
  tx: Db,
  now: Date,
  actor: Actor,
  where: { packageId?: number; userId?: string; assignmentIds?: readonly number[] },
  note: string,
): Promise<number[]> {
  if (where.packageId === undefined && where.userId === undefined && !where.assignmentIds?.length) return [];
  const open = await tx
    .select({
      id: requests.id,
      packageId: requests.packageId,
      userId: requests.userId,
      state: requests.state,
      stage: requests.stage,
      packageName: accessPackages.name,
    })
    .from(requests)
    .innerJoin(accessPackages, eq(accessPackages.id, requests.packageId))
    .where(
      and(
        inArray(requests.state, [...OPEN_REQUEST_STATES]),
        where.packageId !== undefined ? eq(requests.packageId, where.packageId) : undefined,
        where.userId !== undefined ? eq(requests.userId, where.userId) : undefined,
        where.assignmentIds?.length
          ? and(eq(requests.type, 'user_extend'), inArray(requests.assignmentId, [...where.assignmentIds]))
          : undefined,
      ),
    )
    .orderBy(asc(requests.id))
    .for('update', { of: requests });
  await moveRequests(tx, now, actor, open, {
    to: 'canceled',
    set: { stage: 0, closedAt: now, outcomeNote: note },
    audit: { note },
    news: { kind: 'request_canceled', note },
  });
  return open.map((r) => r.id);
}

/** Stages past their escalation delay are marked escalated (their fallback approvers are added). */
export async function markStagesEscalated(tx: Db, now: Date, requestIds: readonly number[]): Promise<void> {
  if (requestIds.length === 0) return;
  await tx
    .update(requests)
    .set({ stageEscalatedAt: now, updatedAt: now })
    .where(and(inArray(requests.id, [...requestIds]), eq(requests.state, 'pending_approval')));
}
