import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type User, usergroupMembers, users } from '../../db/schema.js';
import { audit } from '../audit.js';
import { type Actor, type EngineDeps, SYSTEM } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { slackUserIdSchema } from './loaders.js';

const usergroupIdSchema = z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id like S0123ABCD');

const upsertUserInput = z.object({
  id: slackUserIdSchema,
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().max(320).nullish(),
  kind: z.enum(['member', 'guest', 'bot']).default('member'),
  isExternal: z.boolean().default(false),
  deactivated: z.boolean().default(false),
});

const usergroupMembersInput = z.object({
  usergroupId: usergroupIdSchema,
  userIds: z.array(slackUserIdSchema).max(10_000),
});

const getUserInput = z.object({ id: slackUserIdSchema });

/**
 * Records a user as Slack describes them (users.info, user_change): Slack's word, so no
 * permission check. Says whether the user has just been deactivated, so the caller can remove
 * their access.
 */
export async function upsertUser(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ user: User; becameDeactivated: boolean; becameActive: boolean }> {
  const u = parseInput(upsertUserInput, input);
  return inTransaction(deps, async (tx, now) => {
    const [before] = await tx
      .select({ deactivated: users.deactivated })
      .from(users)
      .where(eq(users.id, u.id))
      .for('update');
    const values = {
      name: u.name,
      // Absent: keep what we know (a user_change without the email scope); null: clear it.
      ...(u.email !== undefined ? { email: u.email } : {}),
      kind: u.kind,
      isExternal: u.isExternal,
      deactivated: u.deactivated,
      updatedAt: now,
    };
    const [user] = await tx
      .insert(users)
      .values({ id: u.id, ...values, createdAt: now })
      .onConflictDoUpdate({ target: users.id, set: values })
      .returning();
    const becameDeactivated = u.deactivated && before?.deactivated !== true;
    const becameActive = !u.deactivated && before?.deactivated === true;
    if (becameDeactivated || becameActive) {
      await audit(tx, now, actor, {
        action: becameDeactivated ? 'user.deactivated' : 'user.reactivated',
        subjectUserId: u.id,
      });
    }
    return { user: user!, becameDeactivated, becameActive };
  });
}

/** Replaces the cached membership of one user group (eligibility reads it, never Slack). */
export async function setUsergroupMembers(
  deps: EngineDeps,
  _actor: Actor,
  input: unknown,
): Promise<{ added: string[]; removed: string[] }> {
  const { usergroupId, userIds } = parseInput(usergroupMembersInput, input);
  const wanted = [...new Set(userIds)];
  return inTransaction(deps, async (tx, now) => {
    const removed = await tx
      .delete(usergroupMembers)
      .where(
        wanted.length > 0
          ? and(eq(usergroupMembers.usergroupId, usergroupId), notInArray(usergroupMembers.userId, wanted))
          : eq(usergroupMembers.usergroupId, usergroupId),
      )
      .returning({ userId: usergroupMembers.userId });
    const added =
      wanted.length > 0
        ? await tx
            .insert(usergroupMembers)
            .values(wanted.map((userId) => ({ usergroupId, userId, syncedAt: now })))
            .onConflictDoNothing()
            .returning({ userId: usergroupMembers.userId })
        : [];
    return { added: added.map((r) => r.userId).sort(), removed: removed.map((r) => r.userId).sort() };
  });
}

/** The cached user, or null when Slack has not told us about them yet. */
export async function getUser(deps: EngineDeps, _actor: Actor, input: unknown): Promise<User | null> {
  const { id } = parseInput(getUserInput, input);
  return inTransaction(deps, async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, id));
    return user ?? null;
  });
}

/**
 * Notes that the user opened the Home tab (first time only): from then on their Home is
 * republished when what it shows changes. A UI cache, not a governance change: no audit row.
 */
export async function markHomeOpened(deps: EngineDeps, userId: string): Promise<boolean> {
  const id = parseInput(slackUserIdSchema, userId);
  return inTransaction(deps, async (tx, now) => {
    const marked = await tx
      .update(users)
      .set({ homeOpenedAt: now })
      .where(and(eq(users.id, id), isNull(users.homeOpenedAt)))
      .returning({ id: users.id });
    return marked.length > 0;
  });
}

/** The e-mail Slack gave for a person (users.info with users:read.email), or null: how LDAP finds their entry. */
export async function userEmail(deps: EngineDeps, userId: string): Promise<string | null> {
  return (await getUser(deps, SYSTEM, { id: userId }))?.email ?? null;
}

/** The Slack users (not deactivated) whose e-mail is one of `emails`, case ignored: LDAP members as people. */
export async function slackIdsByEmail(deps: EngineDeps, emails: readonly string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const lowered = [...new Set(emails.map((e) => e.toLowerCase()))];
  const rows = await deps.database.db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(sql`lower(${users.email})`, lowered), eq(users.deactivated, false)));
  return rows.map((r) => r.id);
}
