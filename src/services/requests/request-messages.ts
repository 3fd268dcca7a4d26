import { asc, eq } from 'drizzle-orm';
import { requestMessages } from '../../db/schema.js';
import type { EngineDeps } from '../context.js';

/**
 * Where a request's card was posted (one DM per person), so every later transition can update
 * each copy. Transport bookkeeping, not a domain change: no audit row.
 */

export interface RequestMessage {
  requestId: number;
  userId: string;
  channelId: string;
  ts: string;
}

/** Remembers a card; a person's newer card for the same request replaces the older one. */
export async function recordRequestMessage(deps: EngineDeps, message: RequestMessage): Promise<void> {
  const postedAt = deps.clock.now();
  await deps.database.db
    .insert(requestMessages)
    .values({ ...message, postedAt })
    .onConflictDoUpdate({
      target: [requestMessages.requestId, requestMessages.userId],
      set: { channelId: message.channelId, ts: message.ts, postedAt },
    });
}

/** Every recorded copy of a request's card, oldest first. */
export async function requestMessagesOf(deps: EngineDeps, requestId: number): Promise<RequestMessage[]> {
  return deps.database.db
    .select({
      requestId: requestMessages.requestId,
      userId: requestMessages.userId,
      channelId: requestMessages.channelId,
      ts: requestMessages.ts,
    })
    .from(requestMessages)
    .where(eq(requestMessages.requestId, requestId))
    .orderBy(asc(requestMessages.postedAt), asc(requestMessages.userId));
}
