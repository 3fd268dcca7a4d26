import type { WebClient } from '@slack/web-api';
import { renderNotification } from '../../views/notifications.js';
import type { EngineDeps } from '../services/context.js';
import type { OutboxMessage, RenderedMessage } from '../services/lifecycle/outbox.js';

/** Turns outbox rows into Slack DMs. */
export interface Notifier {
  render(message: OutboxMessage): Promise<RenderedMessage>;
  afterSend(message: OutboxMessage, sent: { channel: string; ts: string | null }): Promise<void>;
}

export function slackNotifier(_deps: EngineDeps, _client: WebClient): Notifier {
  return {
    async render(message) {
      return renderNotification(message);
    },
    async afterSend() {},
  };
}
