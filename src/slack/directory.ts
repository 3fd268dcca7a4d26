import type { WebClient } from '@slack/web-api';
import { getUser, upsertUser } from '../services/catalog/users.js';
import { SYSTEM } from '../services/context.js';
import type { SlackContext } from './context.js';
import { type Installation, isOwnWorkspace } from './installation.js';

/** The parts of a Slack user object Gatehouse keeps (users.info, user_change). */
export interface SlackUserObject {
  id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  /** The person's home workspace: another one's for a Slack Connect user. */
  team_id?: string;
  enterprise_id?: string;
  /** Enterprise Grid: the org the person belongs to. */
  enterprise_user?: { enterprise_id?: string };
  profile?: { email?: string; real_name?: string; display_name?: string };
}

/**
 * Whether Slack's user object is someone from outside this installation: a stranger, a user
 * whose home workspace is another (a partner's, over Slack Connect), or on Enterprise Grid a
 * user of another org. A user object that names no workspace is taken as external: safe.
 */
export function isExternalUser(user: SlackUserObject, installation: Installation): boolean {
  if (user.is_stranger) return true;
  const enterpriseId = user.enterprise_user?.enterprise_id ?? user.enterprise_id ?? null;
  return !isOwnWorkspace(installation, { teamId: user.team_id ?? null, enterpriseId });
}

/** Guests (single- and multi-channel), bots, Slack Connect users and deactivated users as Gatehouse counts them. */
export function directoryRecord(user: SlackUserObject & { id: string }, installation: Installation) {
  return {
    id: user.id,
    name: user.real_name || user.profile?.real_name || user.profile?.display_name || user.name || user.id,
    email: user.profile?.email ?? null,
    kind: user.is_bot ? 'bot' : user.is_restricted || user.is_ultra_restricted ? 'guest' : 'member',
    isExternal: isExternalUser(user, installation),
    deactivated: Boolean(user.deleted),
  } as const;
}

const STALE_AFTER_MS = 24 * 3_600_000;
/** Past this many people the cache starts over (it is only a shortcut: the store has them all). */
const CACHE_MAX = 50_000;

/**
 * Per engine, the people whose stored record is fresh, and until when (wall time, ms): a command
 * from someone in here touches neither the store nor users.info. Only the "is it fresh" answer is
 * kept — eligibility always reads the store, which `user_change` events keep up to date — so the
 * cache can never serve stale directory data; at worst users.info is asked once more.
 */
const freshUntil = new WeakMap<object, Map<string, number>>();

function freshCache(ctx: SlackContext): Map<string, number> {
  let cache = freshUntil.get(ctx.engine);
  if (!cache) {
    cache = new Map();
    freshUntil.set(ctx.engine, cache);
  }
  return cache;
}

function noteFresh(ctx: SlackContext, userId: string, updatedAt: Date): void {
  const cache = freshCache(ctx);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(userId, updatedAt.getTime() + STALE_AFTER_MS);
}

/**
 * Makes sure the engine knows who is asking: looks the user up with users.info the first time (or
 * once a day), so eligibility ("every member" leaves out guests) rests on Slack's word. Someone
 * seen fresh lately costs nothing (no query): see `freshUntil`.
 */
export async function ensureUser(ctx: SlackContext, client: WebClient, userId: string): Promise<void> {
  const now = ctx.wallClock.now().getTime();
  const cache = freshCache(ctx);
  const until = cache.get(userId);
  if (until !== undefined && now < until) return;
  cache.delete(userId);
  const known = await getUser(ctx.engine, { userId }, { id: userId });
  if (known && known.name !== known.id && now - known.updatedAt.getTime() < STALE_AFTER_MS) {
    noteFresh(ctx, userId, known.updatedAt);
    return;
  }
  // Until Slack has said which workspace is ours, nobody is recorded: unknown people count as guests.
  const installation = ctx.installation();
  if (!installation) return;
  try {
    const result = await client.users.info({ user: userId });
    if (result.user?.id) {
      const { user } = await upsertUser(
        ctx.engine,
        SYSTEM,
        directoryRecord(result.user as SlackUserObject & { id: string }, installation),
      );
      if (user.name !== user.id) noteFresh(ctx, userId, user.updatedAt);
    }
  } catch (error) {
    // Without Slack's answer the engine treats an unknown user as a guest: safe, and said in the log.
    ctx.log.warn(
      { userId, err: error instanceof Error ? error.message : String(error) },
      'users.info failed',
    );
  }
}

/** A `user_change` event recorded Slack's word on someone: fresh as of its write. */
export function noteUserRecorded(
  ctx: SlackContext,
  user: { id: string; name: string; updatedAt: Date },
): void {
  if (user.name !== user.id) noteFresh(ctx, user.id, user.updatedAt);
}
