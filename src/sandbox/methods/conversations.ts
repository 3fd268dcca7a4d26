import { booleanArg, listArg, optionalString, requireString, SlackApiError } from '../api-error.js';
import type { FakeChannel, Workspace } from '../workspace.js';
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
  const users = listArg(args, 'users');
  if (users.length === 0) throw new SlackApiError('no_user');
  for (const id of users) {
    if (id === workspace.bot.userId) throw new SlackApiError('cant_invite_self');
    if (workspace.user(id).deleted) throw new SlackApiError('user_is_deactivated');
    if (channel.members.includes(id)) throw new SlackApiError('already_in_channel');
  }
  channel.members.push(...new Set(users));
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
