import type { WebClient } from '@slack/web-api';
import { classifySlackError } from '../slack/web-api-errors.js';
import { type Connector, ConnectorError, type ProvisioningTarget } from './port.js';

/**
 * Slack user groups. `usergroups.users.update` replaces the whole member list, so each call reads
 * the current members and writes the list with one user added or taken out; delivery serializes
 * calls per group (invariant 3), and members Gatehouse did not add stay. Slack refuses an empty
 * group (`no_users_provided`): when the last member leaves the group is disabled, and it is
 * enabled again on the next grant.
 */
export function slackUsergroupConnector(client: WebClient): Connector {
  return {
    async grant(target) {
      const group = await readGroup(client, target);
      if (!group.disabled && group.members.includes(target.userId)) return;
      if (group.disabled) {
        await call(target, 'usergroups.enable', () =>
          client.usergroups.enable({ usergroup: target.resource.externalId }),
        ).catch((error: unknown) => {
          if ((error as ConnectorError).code !== 'already_enabled') throw error;
        });
      }
      await call(target, 'usergroups.users.update', () =>
        client.usergroups.users.update({
          usergroup: target.resource.externalId,
          users: [...group.members, target.userId].join(','),
        }),
      );
    },
    async revoke(target) {
      const group = await readGroup(client, target);
      if (group.disabled || !group.members.includes(target.userId)) return;
      const rest = group.members.filter((m) => m !== target.userId);
      if (rest.length === 0) {
        await call(target, 'usergroups.disable', () =>
          client.usergroups.disable({ usergroup: target.resource.externalId }),
        );
        return;
      }
      await call(target, 'usergroups.users.update', () =>
        client.usergroups.users.update({ usergroup: target.resource.externalId, users: rest.join(',') }),
      );
    },
  };
}

/**
 * The group's members, or `disabled` when Gatehouse disabled it as its last member left: Slack
 * keeps that member on the disabled group's list, so the list of a disabled group counts as empty.
 */
async function readGroup(
  client: WebClient,
  target: ProvisioningTarget,
): Promise<{ members: string[]; disabled: boolean }> {
  try {
    const result = await client.usergroups.users.list({ usergroup: target.resource.externalId });
    return { members: result.users ?? [], disabled: false };
  } catch (error) {
    if (classifySlackError(error).code !== 'no_such_subteam')
      await call(target, 'usergroups.users.list', () => Promise.reject(error));
  }
  // Not listed without include_disabled: disabled, or gone (which this call then reports).
  await call(target, 'usergroups.users.list', () =>
    client.usergroups.users.list({ usergroup: target.resource.externalId, include_disabled: true }),
  );
  return { members: [], disabled: true };
}

const ADVICE: Record<string, string> = {
  no_such_subteam:
    'The user group no longer exists in Slack: remove it from the package or register the new one.',
  missing_scope: 'The Gatehouse app lacks the usergroups:write scope: reinstall it from manifest.yml.',
  permission_denied:
    'Slack refused: user groups need a paid plan, and the workspace may restrict who manages them (Settings → Permissions → User Groups).',
  not_allowed_token_type: 'Gatehouse needs a bot token (xoxb-) to manage user groups.',
  invalid_users: 'Slack refused the member list: a member may be deactivated.',
};

async function call<T>(target: ProvisioningTarget, method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const failure = classifySlackError(error);
    const advice =
      ADVICE[failure.code] ?? (failure.retryable ? 'It will be retried.' : 'Check the user group in Slack.');
    throw new ConnectorError(
      `${method} for ${target.resource.name} failed (${failure.code}). ${advice}`,
      failure.retryable,
      failure.code,
    );
  }
}
