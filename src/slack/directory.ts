import type { WebClient } from '@slack/web-api';
import { getUser, upsertUser } from '../services/catalog/users.js';
import type { SlackContext } from './context.js';

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
  profile?: { email?: string; real_name?: string; display_name?: string };
}

/** Guests (single- and multi-channel), bots, Slack Connect users and deactivated users as Gatehouse counts them. */
export function directoryRecord(user: SlackUserObject & { id: string }) {
  return {
    id: user.id,
    name: user.real_name || user.profile?.real_name || user.profile?.display_name || user.name || user.id,
    email: user.profile?.email ?? null,
    kind: user.is_bot ? 'bot' : user.is_restricted || user.is_ultra_restricted ? 'guest' : 'member',
    isExternal: Boolean(user.is_stranger),
    deactivated: Boolean(user.deleted),
  } as const;
}

const STALE_AFTER_MS = 24 * 3_600_000;

/**
 * Makes sure the engine knows who is asking: looks the user up with users.info the first time (or
 * once a day), so eligibility ("every member" leaves out guests) rests on Slack's word.
 */
export async function ensureUser(ctx: SlackContext, client: WebClient, userId: string): Promise<void> {
  const known = await getUser(ctx.engine, { userId }, { id: userId });
  const fresh =
    known &&
    known.name !== known.id &&
    ctx.wallClock.now().getTime() - known.updatedAt.getTime() < STALE_AFTER_MS;
  if (fresh) return;
  try {
    const result = await client.users.info({ user: userId });
    if (result.user?.id)
      await upsertUser(
        ctx.engine,
        { userId: 'system' },
        directoryRecord(result.user as SlackUserObject & { id: string }),
      );
  } catch (error) {
    // Without Slack's answer the engine treats an unknown user as a guest: safe, and said in the log.
    ctx.log.warn(
      { userId, err: error instanceof Error ? error.message : String(error) },
      'users.info failed',
    );
  }
}
