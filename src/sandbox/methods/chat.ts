import { type ApiArgs, jsonArg, optionalString, requireString, SlackApiError } from '../api-error.js';
import type { PostedMessage, Workspace } from '../workspace.js';
import { type MethodContext, type MethodHandler, messageContent } from './context.js';

/**
 * Where a post lands: a user id means the app's DM with that user; a D… id must be a DM the
 * app has; in a channel the bot must be a member (a private one it is not in does not exist).
 */
export function resolvePostChannel(workspace: Workspace, channelArg: string): string {
  if (/^[UW]/.test(channelArg)) {
    if (!workspace.users.has(channelArg)) throw new SlackApiError('channel_not_found');
    return workspace.openDm(channelArg).id;
  }
  if (channelArg.startsWith('D')) {
    if (workspace.dmOwner(channelArg) === undefined) throw new SlackApiError('channel_not_found');
    return channelArg;
  }
  const channel = workspace.visibleChannel(channelArg);
  if (channel.is_archived) throw new SlackApiError('is_archived');
  if (!workspace.botIsMember(channel)) throw new SlackApiError('not_in_channel');
  return channel.id;
}

function requireContent(context: MethodContext): { text: string; blocks: PostedMessage['blocks'] } {
  const { text, blocks } = messageContent(context);
  if (!text && !blocks?.length && context.args.attachments === undefined) throw new SlackApiError('no_text');
  return { text: text ?? '', blocks: blocks ?? [] };
}

/**
 * chat.postMessage's `metadata`: `{event_type, event_payload}`, as JSON (form-encoded calls) or an
 * object; Slack refuses anything else with invalid_metadata_format / invalid_metadata_schema.
 */
export function metadataArg(args: ApiArgs): PostedMessage['metadata'] {
  const raw = jsonArg(args, 'metadata', 'invalid_metadata_format');
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SlackApiError('invalid_metadata_format');
  const { event_type: eventType, event_payload: payload } = raw as Record<string, unknown>;
  if (typeof eventType !== 'string' || eventType === '') throw new SlackApiError('invalid_metadata_schema');
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new SlackApiError('invalid_metadata_schema');
  return { event_type: eventType, event_payload: payload as Record<string, unknown> };
}

/**
 * A message as the Web API shows it. Its metadata only when asked for: conversations.history
 * leaves it out unless `include_all_metadata` is set.
 */
export function messageJson(
  workspace: Workspace,
  message: PostedMessage,
  options: { metadata?: boolean } = {},
): Record<string, unknown> {
  return {
    type: 'message',
    text: message.text,
    user: message.user,
    bot_id: workspace.bot.botId,
    app_id: workspace.bot.appId,
    team: workspace.team.id,
    ts: message.ts,
    ...(message.blocks.length ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.updates.length ? { edited: { user: message.user, ts: message.ts } } : {}),
    ...(options.metadata && message.metadata ? { metadata: message.metadata } : {}),
  };
}

export const chatPostMessage: MethodHandler = (context) => {
  const { workspace, args, now } = context;
  const channel = resolvePostChannel(workspace, requireString(args, 'channel', 'channel_not_found'));
  const content = requireContent(context);
  const metadata = metadataArg(args);
  const message: PostedMessage = {
    channel,
    ts: workspace.nextTs(now),
    ...content,
    user: workspace.bot.userId,
    postedAt: now,
    updates: [],
  };
  const threadTs = optionalString(args, 'thread_ts');
  if (threadTs) message.threadTs = threadTs;
  if (metadata) message.metadata = metadata;
  workspace.messages.push(message);
  return { channel, ts: message.ts, message: messageJson(workspace, message, { metadata: true }) };
};

export const chatUpdate: MethodHandler = (context) => {
  const { workspace, args, now } = context;
  const channel = requireString(args, 'channel', 'channel_not_found');
  const ts = requireString(args, 'ts', 'message_not_found');
  if (!channel.startsWith('D')) workspace.visibleChannel(channel);
  else if (workspace.dmOwner(channel) === undefined) throw new SlackApiError('channel_not_found');
  const message = workspace.messages.find(
    (candidate) => candidate.channel === channel && candidate.ts === ts,
  );
  if (!message) throw new SlackApiError('message_not_found');
  if (message.user !== workspace.bot.userId) throw new SlackApiError('cant_update_message');
  const { text, blocks } = messageContent(context);
  if (text === undefined && blocks === undefined) throw new SlackApiError('no_text');
  // Slack keeps the blocks a chat.update leaves out.
  message.text = text ?? message.text;
  message.blocks = blocks ?? message.blocks;
  message.updates.push({ at: now, text: message.text, blocks: message.blocks });
  return { channel, ts, text: message.text, message: messageJson(workspace, message) };
};

export const chatPostEphemeral: MethodHandler = (context) => {
  const { workspace, args, now } = context;
  const channelArg = requireString(args, 'channel', 'channel_not_found');
  const userId = requireString(args, 'user', 'user_not_found');
  const user = workspace.user(userId);
  const channel = resolvePostChannel(workspace, channelArg);
  if (channel.startsWith('D')) {
    if (workspace.dmOwner(channel) !== user.id) throw new SlackApiError('user_not_in_channel');
  } else if (!workspace.channels.get(channel)?.members.includes(user.id)) {
    throw new SlackApiError('user_not_in_channel');
  }
  const content = requireContent(context);
  const messageTs = workspace.nextTs(now);
  workspace.ephemerals.push({ channel, user: user.id, ...content, messageTs, at: now });
  return { message_ts: messageTs };
};
