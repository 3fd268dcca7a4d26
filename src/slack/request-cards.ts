import type { WebClient } from '@slack/web-api';
import { type RenderedCard, type RequestCardState, requestCard } from '../../views/requests/request-card.js';
import { isGatehouseError } from '../domain/errors.js';
import { type EngineDeps, SYSTEM } from '../services/context.js';
import { recordRequestMessage, requestMessagesOf } from '../services/requests/request-messages.js';
import { getRequest, myAssignments } from '../services/requests/request-queries.js';

/** A request as its card shows it, read from the engine now; null when there is no such request. */
export async function loadRequestCard(deps: EngineDeps, requestId: number): Promise<RequestCardState | null> {
  let request: Awaited<ReturnType<typeof getRequest>>;
  try {
    request = await getRequest(deps, SYSTEM, requestId);
  } catch (error) {
    if (isGatehouseError(error, 'request.not_found')) return null;
    throw error;
  }
  const access = await myAssignments(deps, request.userId);
  return {
    requestId: request.requestId,
    request: request.request,
    type: request.type,
    packageName: request.packageName,
    userId: request.userId,
    requestedBy: request.requestedBy,
    state: request.state,
    outcome: request.outcome,
    stage: request.stage,
    stages: request.stages,
    policyName: request.policyName,
    justification: request.justification,
    answers: request.answers,
    startAt: request.startAt,
    endAt: request.endAt,
    createdAt: request.createdAt,
    closedAt: request.closedAt,
    outcomeNote: request.outcomeNote,
    approvers: request.approvers,
    decisions: request.decisions,
    currentAccess: access.map((a) => ({ packageName: a.packageName, endsAt: a.endsAt })),
  };
}

const REMEMBERED_CARDS = 5_000;

/**
 * The living cards: each request has one card, posted to the requestor and to each approver;
 * `refresh` re-renders it from the engine's current state and chat.updates every recorded copy
 * whose content changed (what each copy last showed is remembered, so a burst of notifications
 * about one request costs one update per copy that actually changes).
 */
export interface RequestCards {
  render(requestId: number, viewer: string): Promise<RenderedCard | null>;
  /** After a card was posted: remember its channel and ts (request_messages). */
  posted(
    requestId: number,
    viewer: string,
    sent: { channel: string; ts: string },
    shown?: RenderedCard,
  ): Promise<void>;
  refresh(requestId: number): Promise<number>;
}

export function requestCards(deps: EngineDeps, client: WebClient): RequestCards {
  const shown = new Map<string, string>();
  const remember = (key: string, card: RenderedCard) => {
    shown.delete(key);
    shown.set(key, fingerprint(card));
    if (shown.size > REMEMBERED_CARDS) shown.delete(shown.keys().next().value!);
  };
  return {
    async render(requestId, viewer) {
      const card = await loadRequestCard(deps, requestId);
      return card ? requestCard(card, viewer) : null;
    },
    async posted(requestId, viewer, sent, card) {
      await recordRequestMessage(deps, { requestId, userId: viewer, channelId: sent.channel, ts: sent.ts });
      if (card) remember(`${requestId}:${viewer}:${sent.ts}`, card);
    },
    async refresh(requestId) {
      const copies = await requestMessagesOf(deps, requestId);
      if (copies.length === 0) return 0;
      const card = await loadRequestCard(deps, requestId);
      if (!card) return 0;
      let updated = 0;
      for (const copy of copies) {
        const rendered = requestCard(card, copy.userId);
        const key = `${requestId}:${copy.userId}:${copy.ts}`;
        if (shown.get(key) === fingerprint(rendered)) continue;
        try {
          await client.chat.update({
            channel: copy.channelId,
            ts: copy.ts,
            text: rendered.text,
            blocks: rendered.blocks,
          });
          remember(key, rendered);
          updated += 1;
        } catch (error) {
          deps.log.warn(
            { requestId, userId: copy.userId, err: error instanceof Error ? error.message : String(error) },
            'could not update a request card',
          );
        }
      }
      return updated;
    },
  };
}

function fingerprint(card: RenderedCard): string {
  return JSON.stringify([card.text, card.blocks]);
}
