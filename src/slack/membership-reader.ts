import type { WebClient } from '@slack/web-api';
import type { MembershipReader } from '../services/lifecycle/reconcile.js';
import { classifySlackError } from './web-api-errors.js';

/** Who is in a user group (usergroups.users.list) or a channel (conversations.members, paged) now. */
export function slackMembershipReader(client: WebClient): MembershipReader {
  return {
    async members(resource) {
      if (resource.kind === 'slack_usergroup') {
        try {
          const result = await client.usergroups.users.list({ usergroup: resource.externalId });
          return result.users ?? [];
        } catch (error) {
          // Disabled: Gatehouse disabled it when its last member left, so nobody is in it.
          if (classifySlackError(error).code === 'no_such_subteam') {
            await client.usergroups.users.list({ usergroup: resource.externalId, include_disabled: true });
            return [];
          }
          throw error;
        }
      }
      const members: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.conversations.members({
          channel: resource.externalId,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        members.push(...(page.members ?? []));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return members;
    },
  };
}
