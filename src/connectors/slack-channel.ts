import type { WebClient } from '@slack/web-api';
import { classifySlackError, type SlackFailure } from '../slack/web-api-errors.js';
import type { MethodPacer } from './method-pacer.js';
import {
  type ChangeOutcome,
  type Connector,
  ConnectorError,
  type MembershipChange,
  type ProvisioningTarget,
} from './port.js';
import type { SlackConnectorOptions } from './slack-usergroup.js';

type Resource = ProvisioningTarget['resource'];

/** conversations.invite takes up to 1,000 users a call. */
export const INVITE_MAX_USERS = 1_000;

/**
 * Slack channels: conversations.invite and conversations.kick. Inviting a member and removing a
 * non-member are successes (`already_in_channel`, `not_in_channel`), so both calls are idempotent.
 * A batch invites its grants together (up to 1,000 a call); when Slack refuses the call and names
 * the users it refused (`errors`), those grants fail alone and the others are invited again
 * without them. conversations.kick takes one user, so revokes are one call each.
 */
export function slackChannelConnector(client: WebClient, options: SlackConnectorOptions = {}): Connector {
  const pacer = options.pacer;
  const invite = (resource: Resource, users: string[]) =>
    paced(pacer, 'conversations.invite', () =>
      client.conversations.invite({ channel: resource.externalId, users: users.join(',') }),
    );
  const kick = (resource: Resource, user: string) =>
    paced(pacer, 'conversations.kick', () =>
      client.conversations.kick({ channel: resource.externalId, user }),
    );
  return {
    async grant(target) {
      try {
        await invite(target.resource, [target.userId]);
      } catch (error) {
        const failure = classifySlackError(error);
        if (failure.code === 'already_in_channel') return;
        throw connectorError(target.resource, 'invite', failure, target.userId);
      }
    },
    async revoke(target) {
      await revokeOne(kick, target);
    },
    async applyBatch(resource, changes) {
      const outcomes = new Map<MembershipChange, ChangeOutcome>();
      const grants = changes.filter((c) => c.action === 'grant');
      for (let i = 0; i < grants.length; i += INVITE_MAX_USERS) {
        const chunk = grants.slice(i, i + INVITE_MAX_USERS);
        for (const [change, outcome] of await inviteAll(invite, resource, chunk))
          outcomes.set(change, outcome);
      }
      for (const change of changes) {
        if (change.action !== 'revoke') continue;
        try {
          await revokeOne(kick, change.target);
          outcomes.set(change, { ok: true });
        } catch (error) {
          // A 429 or an outage stops the batch: what is left is tried again as a whole.
          if (
            !(error instanceof ConnectorError) ||
            error.retryAfterMs !== undefined ||
            error.code === 'no_answer'
          )
            throw error;
          outcomes.set(change, { ok: false, error });
        }
      }
      return changes.map((change) => outcomes.get(change) ?? { ok: true });
    },
    async whenReady() {
      await pacer?.whenReady('conversations.invite');
    },
  };
}

async function revokeOne(
  kick: (resource: Resource, user: string) => Promise<unknown>,
  target: ProvisioningTarget,
): Promise<void> {
  try {
    await kick(target.resource, target.userId);
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.code === 'not_in_channel') return;
    throw connectorError(target.resource, 'remove', failure, target.userId);
  }
}

/** Invites the chunk's users in one call; on a refusal naming users, again without them. */
async function inviteAll(
  invite: (resource: Resource, users: string[]) => Promise<unknown>,
  resource: Resource,
  chunk: readonly MembershipChange[],
): Promise<Map<MembershipChange, ChangeOutcome>> {
  const outcomes = new Map<MembershipChange, ChangeOutcome>();
  let pending = [...chunk];
  while (pending.length > 0) {
    const users = [...new Set(pending.map((c) => c.target.userId))];
    try {
      await invite(resource, users);
      for (const change of pending) outcomes.set(change, { ok: true });
      return outcomes;
    } catch (error) {
      const failure = classifySlackError(error);
      const perUser = users.length === 1 ? new Map([[users[0]!, failure.code]]) : namedErrors(error, users);
      if (perUser.size === 0) throw connectorError(resource, 'invite', failure);
      for (const change of pending) {
        const code = perUser.get(change.target.userId);
        if (code === undefined) continue;
        outcomes.set(
          change,
          code === 'already_in_channel'
            ? { ok: true }
            : {
                ok: false,
                error: connectorError(resource, 'invite', { ...failure, code }, change.target.userId),
              },
        );
      }
      // Slack's errors for one user say nothing of the others: with force=false none was invited.
      pending = pending.filter((c) => !perUser.has(c.target.userId));
      if (users.length === 1) return outcomes;
    }
  }
  return outcomes;
}

/** `errors: [{ user, ok: false, error }]` in Slack's answer: the users it refused, and why. */
function namedErrors(error: unknown, users: readonly string[]): Map<string, string> {
  const errors = (error as { data?: { errors?: unknown } }).data?.errors;
  const named = new Map<string, string>();
  if (!Array.isArray(errors)) return named;
  for (const entry of errors) {
    const { user, error: code } = (entry ?? {}) as { user?: unknown; error?: unknown };
    if (typeof user === 'string' && typeof code === 'string' && users.includes(user)) named.set(user, code);
  }
  return named;
}

async function paced<T>(pacer: MethodPacer | undefined, method: string, fn: () => Promise<T>): Promise<T> {
  await pacer?.acquire(method);
  try {
    return await fn();
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.retryAfterMs !== undefined) pacer?.rateLimited(method, failure.retryAfterMs);
    throw error;
  }
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
  resource: Resource,
  what: string,
  failure: SlackFailure,
  userId?: string,
): ConnectorError {
  const channel = `#${resource.name}`;
  const advice =
    ADVICE[failure.code]?.(channel) ??
    (failure.retryable ? 'It will be retried.' : `Check ${channel} in Slack.`);
  const who = userId ? `<@${userId}>` : 'the batch';
  return new ConnectorError(
    `Couldn't ${what} ${who} in ${channel} (${failure.code}). ${advice}`,
    failure.retryable,
    failure.code,
    failure.retryAfterMs,
  );
}
