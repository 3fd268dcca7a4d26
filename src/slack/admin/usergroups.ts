import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.js';

export interface SlackUsergroup {
  id: string;
  name: string;
  handle: string;
}

/** Slack answers 20 usergroups.list calls a minute (Tier 2): the list is kept for a minute. */
const TTL_MS = 60_000;

/**
 * The workspace's user groups as Slack lists them (disabled ones too: Gatehouse disables a group
 * when its last member leaves), cached briefly for the wizard's type-ahead and for names.
 */
export interface UsergroupDirectory {
  list(client: WebClient): Promise<SlackUsergroup[]>;
  /** Names from the last answer, without asking Slack: for labels on the interactive path. */
  knownNames(): Record<string, string>;
}

export function usergroupDirectory(wallClock: Clock): UsergroupDirectory {
  let cache: { at: number; groups: SlackUsergroup[] } | null = null;
  return {
    async list(client) {
      const now = wallClock.now().getTime();
      if (cache && now - cache.at < TTL_MS) return cache.groups;
      const result = await client.usergroups.list({ include_disabled: true });
      const groups = (result.usergroups ?? [])
        .filter((g): g is typeof g & { id: string } => typeof g.id === 'string')
        .map((g) => ({ id: g.id, name: g.name || g.handle || g.id, handle: g.handle ?? '' }))
        .sort((a, b) => a.name.localeCompare(b.name));
      cache = { at: now, groups };
      return groups;
    },
    knownNames() {
      return Object.fromEntries((cache?.groups ?? []).map((g) => [g.id, g.name]));
    },
  };
}

/** The names of these user groups: Slack's, else the fallback given (a handle, the id). */
export async function usergroupNames(
  directory: UsergroupDirectory,
  client: WebClient,
  ids: readonly string[],
): Promise<Record<string, string>> {
  if (ids.length === 0) return {};
  const groups = await directory.list(client);
  return Object.fromEntries(groups.filter((g) => ids.includes(g.id)).map((g) => [g.id, g.name]));
}
