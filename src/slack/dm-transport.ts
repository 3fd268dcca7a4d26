import type { WebClient } from '@slack/web-api';
import { DmSendError, type DmTransport, type RenderedMessage } from '../services/lifecycle/outbox.js';
import { classifySlackError } from './web-api-errors.js';

/**
 * DMs through Slack: chat.postMessage to the DM channel, or to the person's user id for their
 * first DM (Slack answers with the channel; the outbox caches it).
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
      return { ts: result.ts ?? null, ...(result.channel ? { channel: result.channel } : {}) };
    },
  };
}
