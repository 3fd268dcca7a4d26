import type { WebClient } from '@slack/web-api';
import { classifySlackError } from '../slack/web-api-errors.js';
import { type Connector, ConnectorError, type ProvisioningTarget } from './port.js';

/**
 * Slack channels: conversations.invite and conversations.kick. Inviting a member and removing a
 * non-member are successes (`already_in_channel`, `not_in_channel`), so both calls are idempotent.
 */
export function slackChannelConnector(client: WebClient): Connector {
  return {
    async grant(target) {
      try {
        await client.conversations.invite({ channel: target.resource.externalId, users: target.userId });
      } catch (error) {
        const failure = classifySlackError(error);
        if (failure.code === 'already_in_channel') return;
        throw connectorError(target, 'invite', failure.code, failure.retryable);
      }
    },
    async revoke(target) {
      try {
        await client.conversations.kick({ channel: target.resource.externalId, user: target.userId });
      } catch (error) {
        const failure = classifySlackError(error);
        if (failure.code === 'not_in_channel') return;
        throw connectorError(target, 'remove', failure.code, failure.retryable);
      }
    },
  };
}

const ADVICE: Record<string, (channel: string) => string> = {
  channel_not_found: (c) =>
    `Gatehouse can't see ${c}: if it is private, invite the Gatehouse app to it (/invite @Gatehouse in the channel), then retry.`,
  not_in_channel: (c) =>
    `The Gatehouse app is not a member of ${c}: invite it (/invite @Gatehouse in the channel), then retry.`,
  is_archived: (c) => `${c} is archived: unarchive it or take it out of the package.`,
  restricted_action: (c) => `The workspace's settings don't let apps manage members of ${c}.`,
  cant_kick_from_general: (c) =>
    `Nobody can be removed from ${c}, the workspace's general channel: take it out of the package.`,
  user_is_restricted: () => 'Guests can only be added to channels by an admin in Slack.',
  missing_scope: () => 'The Gatehouse app lacks a channel scope: reinstall it from manifest.yml.',
};

function connectorError(
  target: ProvisioningTarget,
  what: string,
  code: string,
  retryable: boolean,
): ConnectorError {
  const channel = `#${target.resource.name}`;
  const advice =
    ADVICE[code]?.(channel) ?? (retryable ? 'It will be retried.' : `Check ${channel} in Slack.`);
  return new ConnectorError(
    `Couldn't ${what} <@${target.userId}> in ${channel} (${code}). ${advice}`,
    retryable,
    code,
  );
}
