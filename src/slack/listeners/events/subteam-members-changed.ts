import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { setUsergroupMembers } from '../../../services/catalog/users.js';
import { SYSTEM } from '../../../services/context.js';
import type { SlackContext } from '../../context.js';
import { refreshHome } from '../../portal/home.js';
import { classifySlackError } from '../../web-api-errors.js';

const userId = z.string().regex(/^[UW][A-Z0-9]+$/);
const membersChanged = z.object({
  subteam_id: z.string().regex(/^S[A-Z0-9]+$/),
  added_users: z.array(userId).optional(),
  removed_users: z.array(userId).optional(),
});

/** Home tabs refreshed per event at most: views.publish is Tier 4, shared with everything else. */
const HOMES_REFRESHED = 20;

/**
 * `subteam_members_changed`: the cached membership that eligibility reads is replaced with the
 * group's list as Slack has it now (a disabled or deleted group counts as empty, as the
 * connector treats it). If Slack can't be asked, the cache is left for reconciliation.
 */
export function register(app: App, ctx: SlackContext): void {
  app.event('subteam_members_changed', async ({ event, client }) => {
    const parsed = membersChanged.safeParse(event);
    if (!parsed.success) {
      ctx.log.warn('unreadable subteam_members_changed event');
      return;
    }
    const { subteam_id: usergroupId } = parsed.data;
    const log = ctx.log.child({ usergroupId, event: 'subteam_members_changed' });
    const members = await currentMembers(client, usergroupId, log);
    if (!members) return;
    try {
      const changed = await setUsergroupMembers(ctx.engine, SYSTEM, { usergroupId, userIds: members });
      const affected = [...new Set([...changed.added, ...changed.removed])].slice(0, HOMES_REFRESHED);
      for (const user of affected) await refreshHome(ctx, client, user);
    } catch (error) {
      log.error({ err: error }, 'refreshing the cached user group members failed');
    }
  });
}

async function currentMembers(
  client: WebClient,
  usergroupId: string,
  log: SlackContext['log'],
): Promise<string[] | null> {
  try {
    const result = await client.usergroups.users.list({ usergroup: usergroupId });
    return result.users ?? [];
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.code === 'no_such_subteam') return [];
    log.warn({ code: failure.code }, 'usergroups.users.list failed; reconciliation will refresh the cache');
    return null;
  }
}
