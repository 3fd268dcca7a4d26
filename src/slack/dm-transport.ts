import type { WebClient } from '@slack/web-api';
import { DmSendError, type DmTransport, type RenderedMessage } from '../services/lifecycle/outbox.js';
import { classifySlackError } from './web-api-errors.js';

/** DMs through Slack: conversations.open (once per person; the outbox caches it), chat.postMessage. */
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
    async openDm(userId) {
      const result = await call('conversations.open', () => client.conversations.open({ users: userId }));
      const id = result.channel?.id;
      if (!id) throw new DmSendError('conversations.open: no channel', { retryable: true, answered: true });
      return id;
    },
    async post(channelId: string, message: RenderedMessage) {
      const result = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel: channelId,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks as never } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      return { ts: result.ts ?? null };
    },
  };
}
