import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { renderDeliveryAbandoned } from '../../views/admin/delivery-abandoned.js';
import { renderNotification } from '../../views/notifications.js';
import type { RenderedCard } from '../../views/requests/request-card.js';
import type { NotificationKind } from '../domain/notifications.js';
import type { EngineDeps } from '../services/context.js';
import type { OutboxMessage, RenderedMessage, SentMessage } from '../services/lifecycle/outbox.js';
import { refreshHome } from './listeners/portal/home.js';
import { reviewRequestedMessage } from './listeners/portal/review-dm.js';
import { requestCards } from './request-cards.js';

/** Turns outbox rows into Slack DMs. */
export interface Notifier {
  render(message: OutboxMessage): Promise<RenderedMessage>;
  afterSend(message: OutboxMessage, sent: SentMessage): Promise<void>;
}

/** The notifications that ARE the request's card: the requestor's and each approver's copy. */
const CARD_KINDS: ReadonlySet<NotificationKind> = new Set([
  'request_submitted',
  'approval_needed',
  'approval_escalated',
]);

/** Notifications after which the recipient's Home tab shows something else. */
const HOME_KINDS: ReadonlySet<NotificationKind> = new Set([
  'request_submitted',
  'approval_needed',
  'approval_escalated',
  'request_approved',
  'request_denied',
  'request_canceled',
  'request_timed_out',
  'request_scheduled',
  'access_delivered',
  'access_extended',
  'access_ended',
  'review_requested',
  'review_completed',
]);

const requestIdSchema = z.coerce.number().int().positive();

/**
 * Outbox rows → DMs. A request's first messages (to the requestor, to each approver) are its
 * living card, recorded once posted; every later notification about the request still goes out
 * as a short DM, and re-renders the card from the engine's current state into every copy
 * (chat.update), so buttons disappear once decided and each copy says who did what when. A card
 * found in the DM's history instead of posted (see the outbox) is recorded and updated the same.
 */
export function slackNotifier(deps: EngineDeps, client: WebClient): Notifier {
  const cards = requestCards(deps, client);
  // What render posted, by outbox id, so the copy just posted isn't updated with itself.
  const rendered = new Map<number, RenderedCard>();
  return {
    async render(message) {
      if (message.kind === 'review_requested') return reviewRequestedMessage(deps, message);
      if (message.kind === 'delivery_failed' && message.data.forAdmin)
        return renderDeliveryAbandoned(message.data);
      const requestId = requestIdOf(message);
      if (requestId !== null && CARD_KINDS.has(message.kind)) {
        try {
          const card = await cards.render(requestId, message.recipient);
          if (card) {
            rendered.set(message.id, card);
            // A send that failed never reaches afterSend: keep the map small.
            if (rendered.size > 1_000) rendered.delete(rendered.keys().next().value!);
            return card;
          }
        } catch (error) {
          deps.log.warn(
            { requestId, err: error instanceof Error ? error.message : String(error) },
            'request card could not be rendered; sending the short message',
          );
        }
      }
      return renderNotification(message);
    },
    async afterSend(message, sent) {
      const card = rendered.get(message.id);
      rendered.delete(message.id);
      // What the person's Home tab shows may have changed (it is republished only if they opened it).
      if (HOME_KINDS.has(message.kind))
        await refreshHome({ engine: deps, log: deps.log }, client, message.recipient);
      const requestId = requestIdOf(message);
      if (requestId === null) return;
      if (card && sent.ts) {
        // A copy found in the DM's history (posted by an attempt whose outcome was lost) shows the
        // card as it was then, not as just rendered: recorded without it, the refresh below
        // brings that copy up to date.
        const shown = sent.recovered ? undefined : card;
        await cards.posted(requestId, message.recipient, { channel: sent.channel, ts: sent.ts }, shown);
      }
      await cards.refresh(requestId);
    },
  };
}

function requestIdOf(message: OutboxMessage): number | null {
  if (message.data.forAdmin) return null;
  const parsed = requestIdSchema.safeParse(message.data.requestId);
  return parsed.success ? parsed.data : null;
}
