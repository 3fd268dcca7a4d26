import type { WebClient } from '@slack/web-api';
import { classifySlackError } from '../slack/web-api-errors.js';
import type { MethodPacer } from './method-pacer.js';
import {
  type ChangeOutcome,
  type Connector,
  ConnectorError,
  type MembershipChange,
  type ProvisioningTarget,
} from './port.js';

type Resource = ProvisioningTarget['resource'];

export interface SlackConnectorOptions {
  /** Paces calls under Slack's per-method limits; unpaced when absent. */
  pacer?: MethodPacer | undefined;
}

/**
 * Slack user groups. `usergroups.users.update` replaces the whole member list, so a batch reads
 * the current members once and writes the list once with every grant added and every revoke
 * taken out; delivery serializes batches per group (invariant 3), and members Gatehouse did not
 * add stay. Slack refuses an empty group (`no_users_provided`): when the last member leaves the
 * group is disabled, and it is enabled again on the next grant. `grant` and `revoke` are batches
 * of one.
 */
export function slackUsergroupConnector(client: WebClient, options: SlackConnectorOptions = {}): Connector {
  const call = pacedCall(options.pacer);
  const applyBatch = (resource: Resource, changes: readonly MembershipChange[]) =>
    applyToGroup(client, call, resource, changes);
  const single = async (change: MembershipChange) => {
    const [outcome] = await applyBatch(change.target.resource, [change]);
    if (outcome && !outcome.ok) throw outcome.error;
  };
  return {
    grant: (target) => single({ action: 'grant', target }),
    revoke: (target) => single({ action: 'revoke', target }),
    applyBatch,
    async whenReady() {
      await options.pacer?.whenReady('usergroups.users.list');
      await options.pacer?.whenReady('usergroups.users.update');
    },
  };
}

type Call = <T>(resource: Resource, method: string, fn: () => Promise<T>) => Promise<T>;

async function applyToGroup(
  client: WebClient,
  call: Call,
  resource: Resource,
  changes: readonly MembershipChange[],
): Promise<ChangeOutcome[]> {
  if (changes.length === 0) return [];
  const usergroup = resource.externalId;
  const group = await readGroup(client, call, resource);
  const current = group.disabled ? [] : group.members;
  // Revokes first, then grants: when both name one user (a rare race the runner's checks make
  // rarer still), the user keeps access, and reconciliation or the revoke's retry settles it.
  const revoked = new Set(changes.filter((c) => c.action === 'revoke').map((c) => c.target.userId));
  const granted = changes.filter((c) => c.action === 'grant').map((c) => c.target.userId);
  const failed = new Map<string, ConnectorError>();
  let next = [...new Set([...current.filter((m) => !revoked.has(m)), ...granted])];
  const unchanged = next.length === current.length && next.every((m) => current.includes(m));

  if (next.length === 0) {
    if (!group.disabled && current.length > 0) {
      await call(resource, 'usergroups.disable', () => client.usergroups.disable({ usergroup }));
    }
  } else if (group.disabled || !unchanged) {
    if (group.disabled) {
      await call(resource, 'usergroups.enable', () => client.usergroups.enable({ usergroup })).catch(
        (error: unknown) => {
          if ((error as ConnectorError).code !== 'already_enabled') throw error;
        },
      );
    }
    const update = (users: string[]) =>
      call(resource, 'usergroups.users.update', () =>
        client.usergroups.users.update({ usergroup, users: users.join(',') }),
      );
    try {
      await update(next);
    } catch (error) {
      // Slack named the users it refused: those grants fail alone, the rest go in without them.
      const named = refusedUsers(error, granted);
      if (named.length === 0) throw error;
      for (const userId of named) failed.set(userId, error as ConnectorError);
      next = next.filter((m) => !failed.has(m));
      if (next.length > 0) await update(next);
    }
  }
  return changes.map((change) => {
    const error = change.action === 'grant' ? failed.get(change.target.userId) : undefined;
    return error ? { ok: false, error } : { ok: true };
  });
}

/** `invalid_users`: the batch's users Slack's messages name, if it named any. */
function refusedUsers(error: unknown, granted: readonly string[]): string[] {
  if (!(error instanceof ConnectorError) || error.code !== 'invalid_users') return [];
  const messages = (error.cause as { data?: { response_metadata?: { messages?: string[] } } } | undefined)
    ?.data?.response_metadata?.messages;
  const text = (messages ?? []).join(' ');
  return granted.filter((userId) => text.includes(userId));
}

/**
 * The group's members, or `disabled` when Gatehouse disabled it as its last member left: Slack
 * keeps that member on the disabled group's list, so the list of a disabled group counts as empty.
 */
async function readGroup(
  client: WebClient,
  call: Call,
  resource: Resource,
): Promise<{ members: string[]; disabled: boolean }> {
  const usergroup = resource.externalId;
  try {
    const result = await call(resource, 'usergroups.users.list', () =>
      client.usergroups.users.list({ usergroup }),
    );
    return { members: result.users ?? [], disabled: false };
  } catch (error) {
    if ((error as ConnectorError).code !== 'no_such_subteam') throw error;
  }
  // Not listed without include_disabled: disabled, or gone (which this call then reports).
  await call(resource, 'usergroups.users.list', () =>
    client.usergroups.users.list({ usergroup, include_disabled: true }),
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

/** One Web API call, paced, its failure turned into a ConnectorError saying what to do. */
function pacedCall(pacer: MethodPacer | undefined): Call {
  return async (resource, method, fn) => {
    await pacer?.acquire(method);
    try {
      return await fn();
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.retryAfterMs !== undefined) pacer?.rateLimited(method, failure.retryAfterMs);
      const advice =
        ADVICE[failure.code] ??
        (failure.retryable ? 'It will be retried.' : 'Check the user group in Slack.');
      const connectorError = new ConnectorError(
        `${method} for ${resource.name} failed (${failure.code}). ${advice}`,
        failure.retryable,
        failure.code,
        failure.retryAfterMs,
      );
      connectorError.cause = error;
      throw connectorError;
    }
  };
}
