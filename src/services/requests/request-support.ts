import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  type AccessPackage,
  accessPackages,
  assignments,
  type Request,
  requests,
  type User,
  usergroupMembers,
  users,
} from '../../db/schema.js';
import type { GroupMembers } from '../../domain/approval.js';
import { GatehouseError } from '../../domain/errors.js';
import { type PolicySettings, policySettingsSchema } from '../../domain/policy.js';
import {
  ACTIVE_ASSIGNMENT_STATES,
  assertRequestTransition,
  formatRequestId,
  parseRequestId,
  type RequestState,
} from '../../domain/states.js';
import { type AuditEvent, audit } from '../audit.js';
import type { Actor } from '../context.js';

/** Shared by the request and assignment services: input shapes, loaders, locks and audit helpers. */

export const idSchema = z.coerce.number().int().positive();

/** `R-1042`, `1042` or 1042. */
export const requestIdSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const id = typeof value === 'number' ? value : parseRequestId(value);
  if (id === null || !Number.isSafeInteger(id) || id <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a request id like R-1042' });
    return z.NEVER;
  }
  return id;
});

const blankToUndefined = (value: unknown) => (value === null || value === '' ? undefined : value);

export const optionalDate = z.preprocess(blankToUndefined, z.coerce.date().optional());

export const optionalText = (max: number, what: string) =>
  z.preprocess(
    blankToUndefined,
    z.string().trim().max(max, `keep the ${what} to ${max} characters or fewer`).optional(),
  );

export const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD');

/** Whom a check is about: the person asking (worded "you") or someone an admin named. */
export interface Subject {
  userId: string;
  self: boolean;
}

export function subjectName(subject: Subject): string {
  return subject.self ? 'You' : `<@${subject.userId}>`;
}

/** A UTC calendar date, as messages show it. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The settings a policy row holds, in the shape requests snapshot. */
/** The policy a request was submitted under, as it was then (dates revived from JSON). */
export function snapshotOf(request: Pick<Request, 'policySnapshot'>): PolicySettings | null {
  return request.policySnapshot ? policySettingsSchema.parse(request.policySnapshot) : null;
}

/**
 * The user row, locked for the rest of the transaction: one person's submissions queue behind
 * each other, so two concurrent requests for one package can't both pass the "already open" check.
 */
export async function lockUser(tx: Db, subject: Subject): Promise<User> {
  const [user] = await tx.select().from(users).where(eq(users.id, subject.userId)).for('update');
  if (!user) {
    throw new GatehouseError(
      'user.not_found',
      subject.self
        ? "Gatehouse doesn't know you yet: open the Gatehouse App Home once, then try again."
        : `Gatehouse doesn't know <@${subject.userId}> yet: they need to be in this workspace.`,
      { userId: subject.userId },
    );
  }
  if (user.deactivated) {
    throw new GatehouseError(
      'user.deactivated',
      subject.self
        ? 'Your Slack account is deactivated, so you cannot get access.'
        : `<@${subject.userId}> is deactivated in Slack, so they cannot get access.`,
      { userId: subject.userId },
    );
  }
  return user;
}

export async function loadLivePackage(tx: Db, packageId: number): Promise<AccessPackage> {
  const [row] = await tx
    .select()
    .from(accessPackages)
    .where(and(eq(accessPackages.id, packageId), isNull(accessPackages.deletedAt)));
  if (!row) throw new GatehouseError('package.not_found', `There is no access package with id ${packageId}.`);
  return row;
}

export async function usergroupsOf(tx: Db, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: usergroupMembers.usergroupId })
    .from(usergroupMembers)
    .where(eq(usergroupMembers.userId, userId));
  return rows.map((r) => r.id);
}

export async function groupMembers(tx: Db, usergroupIds: readonly string[]): Promise<GroupMembers> {
  const members = new Map<string, string[]>();
  if (usergroupIds.length === 0) return members;
  const rows = await tx
    .select({ groupId: usergroupMembers.usergroupId, userId: usergroupMembers.userId })
    .from(usergroupMembers)
    .where(inArray(usergroupMembers.usergroupId, [...usergroupIds]))
    .orderBy(usergroupMembers.usergroupId, usergroupMembers.userId);
  for (const row of rows) members.set(row.groupId, [...(members.get(row.groupId) ?? []), row.userId]);
  return members;
}

const activeStates = [...ACTIVE_ASSIGNMENT_STATES];

export async function activeAssignmentOf(tx: Db, userId: string, packageId: number) {
  const [row] = await tx
    .select()
    .from(assignments)
    .where(
      and(
        eq(assignments.userId, userId),
        eq(assignments.packageId, packageId),
        inArray(assignments.state, activeStates),
      ),
    );
  return row ?? null;
}

export interface RequestRef {
  id: number;
  packageId: number;
  userId: string;
}

/**
 * The audit rows for a walk through request states (`path[0]` is where it starts), each step
 * checked against the state table. `data` goes on the last row.
 */
export function transitionEvents(
  ref: RequestRef,
  path: readonly RequestState[],
  data: Record<string, unknown> = {},
): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1]!;
    const to = path[i]!;
    assertRequestTransition(from, to);
    events.push({
      action: `request.${to}`,
      packageId: ref.packageId,
      requestId: ref.id,
      subjectUserId: ref.userId,
      data: { from, ...(i === path.length - 1 ? data : {}) },
    });
  }
  return events;
}

/** The request row, locked; `request.not_found` when there is none. */
export async function lockRequest(tx: Db, requestId: number): Promise<Request> {
  const [row] = await tx.select().from(requests).where(eq(requests.id, requestId)).for('update');
  if (!row) {
    throw new GatehouseError('request.not_found', `There is no request ${formatRequestId(requestId)}.`, {
      requestId,
    });
  }
  return row;
}

export async function packageName(tx: Db, packageId: number): Promise<string> {
  const [row] = await tx
    .select({ name: accessPackages.name })
    .from(accessPackages)
    .where(eq(accessPackages.id, packageId));
  return row?.name ?? `package ${packageId}`;
}

/** Inserts a request and its first audit row (`request.<state>`, from nothing), as `actor` asked. */
export async function insertRequest(
  tx: Db,
  now: Date,
  actor: Actor,
  values: Omit<typeof requests.$inferInsert, 'requestedBy' | 'createdAt' | 'updatedAt'>,
  audited: { catalogId?: number; data?: Record<string, unknown> } = {},
): Promise<Request> {
  const [row] = await tx
    .insert(requests)
    .values({ ...values, requestedBy: actor.userId, createdAt: now, updatedAt: now })
    .returning();
  const request = row!;
  await audit(tx, now, actor, {
    action: `request.${request.state}`,
    catalogId: audited.catalogId ?? null,
    packageId: request.packageId,
    requestId: request.id,
    assignmentId: request.assignmentId,
    subjectUserId: request.userId,
    data: { from: null, type: request.type, ...audited.data },
  });
  return request;
}

/** Moves a request row to `state` (the caller has checked the transition) with its other columns. */
export async function updateRequest(
  tx: Db,
  now: Date,
  requestId: number,
  changes: Partial<typeof requests.$inferInsert>,
): Promise<void> {
  await tx
    .update(requests)
    .set({ ...changes, updatedAt: now })
    .where(eq(requests.id, requestId));
}
