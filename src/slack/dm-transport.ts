import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { DmSendError, type DmTransport, type RenderedMessage } from '../services/lifecycle/outbox.js';
import { classifySlackError } from './web-api-errors.js';

/** The message metadata event type every Gatehouse DM carries, with its outbox key. */
export const OUTBOX_EVENT_TYPE = 'gatehouse_outbox';

/**
 * How many of a DM's most recent messages a resend looks through. The app's DM is read-only for
 * people (messages_tab_read_only_enabled), so it holds Gatehouse's own DMs only, and one person's
 * DMs go out in the order they were queued: the message in doubt is among the last few. 15 is
 * also the most conversations.history returns to apps outside the Slack Marketplace.
 */
export const HISTORY_LOOKBACK = 15;

/** Keys stay short in metadata: a long one (a report naming many people) travels as its hash. */
export function metadataKey(key: string): string {
  return key.length <= 200 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

const messagesOf = (value: unknown): { ts?: unknown; metadata?: unknown }[] =>
  Array.isArray(value) ? (value as { ts?: unknown; metadata?: unknown }[]) : [];

function carriesKey(metadata: unknown, key: string): boolean {
  if (typeof metadata !== 'object' || metadata === null) return false;
  const { event_type: type, event_payload: payload } = metadata as {
    event_type?: unknown;
    event_payload?: { key?: unknown } | null;
  };
  return type === OUTBOX_EVENT_TYPE && payload?.key === key;
}

/**
 * DMs through Slack: chat.postMessage to the DM channel, or to the person's user id for their
 * first DM (Slack answers with the channel; the outbox caches it). Each carries its outbox key as
 * message metadata; `findPosted` reads it back from the DM's history (conversations.history,
 * im:history) before a resend whose first try's outcome is unknown.
 */
export function slackDmTransport(client: WebClient): DmTransport {
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      const failure = classifySlackError(error);
      throw new DmSendError(`${what}: ${failure.code}`, {
        retryable: failure.retryable,
        answered: failure.answered,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      });
    }
  };
  return {
    async post(channelId: string, message: RenderedMessage, key: string) {
      const result = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel: channelId,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks as never } : {}),
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: metadataKey(key) } },
        }),
      );
      return { ts: result.ts ?? null, ...(result.channel ? { channel: result.channel } : {}) };
    },
    async findPosted(channelOrUserId: string, key: string) {
      // A DM channel not cached yet (its first post's answer was lost): conversations.open names it.
      const channel = channelOrUserId.startsWith('D')
        ? channelOrUserId
        : (await call('conversations.open', () => client.conversations.open({ users: channelOrUserId })))
            .channel?.id;
      if (!channel) return null;
      const history = await call('conversations.history', () =>
        client.conversations.history({ channel, limit: HISTORY_LOOKBACK, include_all_metadata: true }),
      );
      const wanted = metadataKey(key);
      const found = messagesOf(history.messages).find((m) => carriesKey(m.metadata, wanted));
      return found && typeof found.ts === 'string' ? { ts: found.ts, channel } : null;
    },
  };
}
