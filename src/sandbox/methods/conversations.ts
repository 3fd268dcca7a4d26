import { booleanArg, listArg, optionalString, requireString, SlackApiError } from '../api-error.js';
import type { FakeChannel, Workspace } from '../workspace.js';
import { messageJson } from './chat.js';
import { type MethodHandler, paginate } from './context.js';

/** conversations.open takes 1–8 users. */
export const MAX_OPEN_USERS = 8;

function channelJson(workspace: Workspace, channel: FakeChannel): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_private: channel.is_private,
    is_archived: channel.is_archived,
    is_general: channel.is_general,
    is_member: workspace.botIsMember(channel),
    context_team_id: workspace.team.id,
    num_members: channel.members.length,
  };
}

function imJson(workspace: Workspace, id: string, userId: string): Record<string, unknown> {
  return { id, is_im: true, user: userId, is_open: true, context_team_id: workspace.team.id };
}

export const conversationsOpen: MethodHandler = ({ workspace, args }) => {
  const channelArg = optionalString(args, 'channel');
  if (channelArg) {
    const owner = workspace.dmOwner(channelArg);
    if (!owner) throw new SlackApiError('channel_not_found');
    return { channel: imJson(workspace, channelArg, owner), already_open: true, no_op: true };
  }
  const users = listArg(args, 'users');
  if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
  if (users.length > MAX_OPEN_USERS) throw new SlackApiError('too_many_users');
  for (const id of users) {
    if (workspace.user(id).deleted) throw new SlackApiError('user_disabled');
  }
  if (users.length > 1) {
    // A group DM: one stable id per set of people.
    const id = `G${[...users].sort().join('').replace(/[UW]/g, '').slice(0, 10)}`;
    return { channel: { id, is_mpim: true } };
  }
  const userId = users[0] as string;
  const { id, alreadyOpen } = workspace.openDm(userId);
  const channel = booleanArg(args, 'return_im') ? imJson(workspace, id, userId) : { id };
  return { channel, ...(alreadyOpen ? { already_open: true, no_op: true } : {}) };
};

/** The bot invites only into channels it is in; Slack refuses anyone already there. */
export const conversationsInvite: MethodHandler = ({ workspace, args }) => {
  const channel = workspace.visibleChannel(requireString(args, 'channel', 'channel_not_found'));
  if (channel.is_archived) throw new SlackApiError('is_archived');
  if (!workspace.botIsMember(channel)) throw new SlackApiError('not_in_channel');
  const users = [...new Set(listArg(args, 'users'))];
  if (users.length === 0) throw new SlackApiError('no_user');
  if (users.length > 1000) throw new SlackApiError('too_many_users');
  // Like Slack: any refused user fails the whole call (force=false), and `errors` says who and why.
  const errors: Array<{ user: string; ok: false; error: string }> = [];
  for (const id of users) {
    const problem =
      id === workspace.bot.userId
        ? 'cant_invite_self'
        : !workspace.users.has(id)
          ? 'user_not_found'
          : workspace.user(id).deleted
            ? 'user_is_deactivated'
            : channel.members.includes(id)
              ? 'already_in_channel'
              : null;
    if (problem) errors.push({ user: id, ok: false, error: problem });
  }
  if (errors.length > 0) throw new SlackApiError(errors[0]!.error, { errors });
  channel.members.push(...users);
  return { channel: channelJson(workspace, channel) };
};

export const conversationsKick: MethodHandler = ({ workspace, args }) => {
  const channel = workspace.visibleChannel(requireString(args, 'channel', 'channel_not_found'));
  const userId = requireString(args, 'user', 'user_not_found');
  if (userId === workspace.bot.userId) throw new SlackApiError('cant_kick_self');
  if (channel.is_general) throw new SlackApiError('cant_kick_from_general');
  if (!workspace.botIsMember(channel)) throw new SlackApiError('not_in_channel');
  workspace.user(userId);
  if (!channel.members.includes(userId)) throw new SlackApiError('not_in_channel');
  channel.members = channel.members.filter((id) => id !== userId);
  return {};
};

export const conversationsMembers: MethodHandler = ({ workspace, args }) => {
  const channelId = requireString(args, 'channel', 'channel_not_found');
  const dmOwner = workspace.dmOwner(channelId);
  const members = dmOwner ? [dmOwner, workspace.bot.userId] : workspace.visibleChannel(channelId).members;
  const { page, nextCursor } = paginate(members, args);
  return { members: page, response_metadata: { next_cursor: nextCursor } };
};

/** conversations.history answers at most 999 messages a page (100 when no limit is given). */
export const MAX_HISTORY_LIMIT = 999;

/**
 * conversations.history: a conversation's top-level messages, newest first, between `oldest` and
 * `latest` (exclusive unless `inclusive`), a page of `limit` with `has_more` and a cursor. The
 * bot reads its own DMs and the channels it is in. Message metadata is in the answer only with
 * `include_all_metadata` (Slack leaves it out by default).
 */
export const conversationsHistory: MethodHandler = ({ workspace, args }) => {
  const channelId = requireString(args, 'channel', 'channel_not_found');
  if (channelId.startsWith('D')) {
    if (workspace.dmOwner(channelId) === undefined) throw new SlackApiError('channel_not_found');
  } else {
    const channel = workspace.visibleChannel(channelId);
    if (!workspace.botIsMember(channel)) throw new SlackApiError('not_in_channel');
  }
  const inclusive = booleanArg(args, 'inclusive');
  const bound = (name: 'oldest' | 'latest'): number | undefined => {
    const value = optionalString(args, name);
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new SlackApiError(`invalid_ts_${name}`);
    return n;
  };
  const oldest = bound('oldest');
  const latest = bound('latest');
  const within = (ts: number) =>
    (oldest === undefined || ts > oldest || (inclusive && ts === oldest)) &&
    (latest === undefined || ts < latest || (inclusive && ts === latest));
  const messages = workspace.messages
    .filter((m) => m.channel === channelId && (!m.threadTs || m.threadTs === m.ts) && within(Number(m.ts)))
    .sort((a, b) => Number(b.ts) - Number(a.ts));
  const requested = Number(args.limit ?? 100);
  const limit = Number.isFinite(requested) && requested > 0 ? Math.min(requested, MAX_HISTORY_LIMIT) : 100;
  const { page, nextCursor } = paginate(messages, { ...args, limit });
  const metadata = booleanArg(args, 'include_all_metadata');
  return {
    messages: page.map((m) => messageJson(workspace, m, { metadata })),
    has_more: nextCursor !== '',
    pin_count: 0,
    ...(nextCursor ? { response_metadata: { next_cursor: nextCursor } } : {}),
  };
};
