import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { renderNotification } from '../../views/notifications.js';
import type { RenderedCard } from '../../views/requests/request-card.js';
import type { NotificationKind } from '../domain/notifications.js';
import type { EngineDeps } from '../services/context.js';
import type { OutboxMessage, RenderedMessage, SentMessage } from '../services/lifecycle/outbox.js';
import { reviewRequestedMessage } from './portal/review-dm.js';
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

/** Whether the recipient's Home tab shows something else after it: every kind says. */
const REFRESHES_HOME: Record<NotificationKind, boolean> = {
  request_submitted: true,
  approval_needed: true,
  approval_escalated: true,
  request_approved: true,
  request_stage_approved: false,
  request_denied: true,
  request_canceled: true,
  request_timed_out: true,
  request_scheduled: true,
  access_delivered: true,
  delivery_failed: false,
  access_expiring: false,
  access_extended: true,
  access_ended: true,
  review_requested: true,
  review_completed: true,
  reconciliation_report: false,
};

const requestIdSchema = z.coerce.number().int().positive();

/**
 * Outbox rows → DMs. A request's first messages (to the requestor, to each approver) are its
 * living card, recorded once posted; every later notification about the request still goes out
 * as a short DM, and re-renders the card from the engine's current state into every copy
 * (chat.update), so buttons disappear once decided and each copy says who did what when. A card
 * found in the DM's history instead of posted (see the outbox) is recorded and updated the same.
 */
export function slackNotifier(
  deps: EngineDeps,
  client: WebClient,
  /** Republishes a person's Home tab if they opened it (src/slack/portal/home.ts), injected. */
  homes: { refreshHome(userId: string): Promise<unknown> },
): Notifier {
  const cards = requestCards(deps, client);
  // What render posted, by outbox id, so the copy just posted isn't updated with itself.
  const rendered = new Map<number, RenderedCard>();
  return {
    async render(message) {
      // The review DM shows the review as it stands now; every other kind renders from its row.
      if (message.kind === 'review_requested') return reviewRequestedMessage(deps, message);
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
      if (REFRESHES_HOME[message.kind]) await homes.refreshHome(message.recipient);
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
