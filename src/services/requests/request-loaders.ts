import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  accessPackages,
  assignments,
  type Request,
  requests,
  type User,
  usergroupMembers,
  users,
} from '../../db/schema.js';
import type { GroupMembers } from '../../domain/approval.js';
import { GatehouseError, type PersonPart, person, sentence } from '../../domain/errors.js';
import { type PolicySettings, policySettingsSchema } from '../../domain/policy.js';
import { ACTIVE_ASSIGNMENT_STATES, formatRequestId } from '../../domain/states.js';

/** Reads the request and assignment services share: people, packages, requests, locks. */

/** Whom a check is about: the person asking (worded "you") or someone an admin named. */
export interface Subject {
  userId: string;
  self: boolean;
}

/** "You", or the person (a part the Slack layer shows as a mention): for `sentence` templates. */
export function subjectName(subject: Subject): 'You' | PersonPart {
  return subject.self ? 'You' : person(subject.userId);
}

/** A UTC calendar date, as messages show it. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The policy a request was submitted under, as it was then (dates revived from JSON). */
export function snapshotOf(request: Pick<Request, 'policySnapshot'>): PolicySettings | null {
  return request.policySnapshot ? policySettingsSchema.parse(request.policySnapshot) : null;
}

/** A user row with the user groups they are in (the cached membership), read with it. */
export type UserWithGroups = User & { usergroupIds: string[] };

/**
 * The user row, locked for the rest of the transaction: one person's submissions queue behind
 * each other, so two concurrent requests for one package can't both pass the "already open" check.
 * Their user groups come in the same statement (eligibility needs them).
 */
export async function lockUser(tx: Db, subject: Subject): Promise<UserWithGroups> {
  const [user] = await tx
    .select({
      ...getTableColumns(users),
      usergroupIds: sql<string[]>`array(select m.usergroup_id from usergroup_members m
        where m.user_id = ${users.id} order by m.usergroup_id)`,
    })
    .from(users)
    .where(eq(users.id, subject.userId))
    .for('update', { of: users });
  if (!user) {
    throw new GatehouseError(
      'user.not_found',
      subject.self
        ? "Gatehouse doesn't know you yet: open the Gatehouse App Home once, then try again."
        : sentence`Gatehouse doesn't know ${person(subject.userId)} yet: they need to be in this workspace.`,
      { userId: subject.userId },
    );
  }
  if (user.deactivated) {
    throw new GatehouseError(
      'user.deactivated',
      subject.self
        ? 'Your Slack account is deactivated, so you cannot get access.'
        : sentence`${person(subject.userId)} is deactivated in Slack, so they cannot get access.`,
      { userId: subject.userId },
    );
  }
  return user;
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
