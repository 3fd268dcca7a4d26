import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import { nextAttemptDelayMs } from '../../domain/backoff.js';
import type { NotificationKind } from '../../domain/notifications.js';
import type { EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import type { SendPacer } from './pacing.js';

/**
 * The outbox dispatcher: sends queued notifications as DMs, after the transaction that queued
 * them committed. Each row is claimed with a lease (FOR UPDATE SKIP LOCKED), so replicas share the
 * work and never send one row twice while the lease holds. A row is marked sent as soon as Slack
 * answers ok. When Slack answered an error it is retried (429 after its Retry-After, 5xx with
 * backoff) or given up (dead, with the reason) — never re-sent after an ok. When a call times out
 * with no answer nobody knows whether Slack posted it: it is retried, so delivery is at least once.
 */

export const OUTBOX_LEASE_MS = 60_000;
export const MAX_OUTBOX_ATTEMPTS = 10;

export interface RenderedMessage {
  text: string;
  blocks?: unknown[];
}

export interface OutboxMessage {
  id: number;
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
  attempts: number;
}

/** How DMs leave: Slack's Web API in the app, a fake in tests. */
export interface DmTransport {
  /**
   * Posts the message to a DM channel, or to a person's user id (Slack then posts in the app's DM
   * with them). Returns its ts, so a card can be updated later, and the DM channel it landed in.
   */
  post(channelOrUserId: string, message: RenderedMessage): Promise<{ ts: string | null; channel?: string }>;
}

/** A send that failed. `answered`: Slack replied (so we know the message was not posted). */
export class DmSendError extends Error {
  constructor(
    message: string,
    readonly options: { retryable: boolean; retryAfterMs?: number; answered: boolean },
  ) {
    super(message);
    this.name = 'DmSendError';
  }
}

export interface OutboxReport {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
}

export interface DispatchOptions {
  transport: DmTransport;
  /** Outbox row → message. May read the store (a request card shows the request as it is now). */
  render: (message: OutboxMessage) => RenderedMessage | Promise<RenderedMessage>;
  /** After Slack accepted a message: e.g. remember a card's channel and ts to update it later. */
  afterSend?: (message: OutboxMessage, sent: { channel: string; ts: string | null }) => Promise<void>;
  /** Spreads sends under Slack's per-channel and per-workspace limits. */
  pacer?: SendPacer;
  limit?: number;
}

export async function dispatchOutbox(deps: EngineDeps, options: DispatchOptions): Promise<OutboxReport> {
  const claimed = await inTransaction(deps, (tx, now) =>
    queryRows<OutboxMessage & { dm_channel_id: string | null; deactivated: boolean | null }>(
      tx,
      sql`with picked as (
        select id from outbox
         where sent_at is null and dead_at is null and next_attempt_at <= ${now}
           and (claimed_until is null or claimed_until < ${now})
         order by next_attempt_at, id limit ${options.limit ?? 100} for update skip locked
      )
      update outbox o set claimed_until = ${new Date(now.getTime() + OUTBOX_LEASE_MS)}, attempts = o.attempts + 1
        from picked where o.id = picked.id
      returning o.id, o.kind, o.recipient, o.data, o.attempts,
        (select u.dm_channel_id from users u where u.id = o.recipient) as dm_channel_id,
        (select u.deactivated from users u where u.id = o.recipient) as deactivated`,
    ),
  );
  const report: OutboxReport = { claimed: claimed.length, sent: 0, retried: 0, dead: 0 };
  // In id order, so one person's messages arrive in the order they were queued.
  claimed.sort((a, b) => Number(a.id) - Number(b.id));
  const channels = new Map<string, string>();
  for (const row of claimed) if (row.dm_channel_id) channels.set(row.recipient, row.dm_channel_id);
  for (const row of claimed) {
    const message: OutboxMessage = {
      id: Number(row.id),
      kind: row.kind,
      recipient: row.recipient,
      data: row.data,
      attempts: row.attempts,
    };
    // Slack refuses DMs to deactivated accounts (user_disabled): don't try.
    const outcome = row.deactivated
      ? await giveUp(deps, message, 'the recipient is deactivated')
      : await sendOne(deps, options, message, channels);
    report[outcome] += 1;
  }
  return report;
}

async function sendOne(
  deps: EngineDeps,
  options: DispatchOptions,
  message: OutboxMessage,
  channels: Map<string, string>,
): Promise<'sent' | 'retried' | 'dead'> {
  try {
    const rendered = await options.render(message);
    const cached = channels.get(message.recipient);
    // A person's first DM goes to their user id and Slack answers with the DM channel, which is
    // cached: no conversations.open (Tier 3, ~50 a minute) before it, so 500 first DMs at once
    // are paced by chat.postMessage's limits alone. One DM channel per person: paced per person.
    await options.pacer?.acquire(message.recipient);
    const sent = await options.transport.post(cached ?? message.recipient, rendered);
    await finish(deps, message.id, sql`sent_at = ${deps.clock.now()}, last_error = null`);
    const channel = sent.channel ?? cached ?? message.recipient;
    if (!cached && sent.channel) {
      channels.set(message.recipient, sent.channel);
      await cacheDmChannel(deps, message.recipient, sent.channel).catch((error: unknown) => {
        deps.log.warn({ userId: message.recipient, err: String(error) }, 'DM channel not cached');
      });
    }
    await options.afterSend?.(message, { channel, ts: sent.ts }).catch((error: unknown) => {
      deps.log.warn(
        { outboxId: message.id, err: error instanceof Error ? error.message : String(error) },
        'after-send step failed',
      );
    });
    return 'sent';
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof DmSendError ? error.options.retryable : true;
    if (!retryable || message.attempts >= MAX_OUTBOX_ATTEMPTS) {
      deps.log.warn({ outboxId: message.id, kind: message.kind, err: reason }, 'notification given up');
      await finish(deps, message.id, sql`dead_at = ${deps.clock.now()}, last_error = ${reason}`);
      return 'dead';
    }
    const delay =
      error instanceof DmSendError && error.options.retryAfterMs !== undefined
        ? error.options.retryAfterMs
        : nextAttemptDelayMs(message.attempts, 5_000, 600_000);
    await finish(
      deps,
      message.id,
      sql`next_attempt_at = ${new Date(deps.clock.now().getTime() + delay)}, last_error = ${reason}`,
    );
    return 'retried';
  }
}

async function giveUp(deps: EngineDeps, message: OutboxMessage, reason: string): Promise<'dead'> {
  await finish(deps, message.id, sql`dead_at = ${deps.clock.now()}, last_error = ${reason}`);
  return 'dead';
}

async function finish(deps: EngineDeps, id: number, set: ReturnType<typeof sql>): Promise<void> {
  await deps.database.db.execute(sql`update outbox set ${set}, claimed_until = null where id = ${id}`);
}

async function cacheDmChannel(deps: EngineDeps, userId: string, channelId: string): Promise<void> {
  await deps.database.db.execute(
    sql`insert into users (id, name, dm_channel_id) values (${userId}, ${userId}, ${channelId})
        on conflict (id) do update set dm_channel_id = excluded.dm_channel_id`,
  );
}

/** Notifications that will not be sent: the reason is kept for an admin to read. */
export async function deadLetters(deps: EngineDeps, limit = 50) {
  return queryRows<{ id: number; kind: string; recipient: string; last_error: string | null; dead_at: Date }>(
    deps.database.db,
    sql`select id, kind, recipient, last_error, dead_at from outbox where dead_at is not null order by dead_at desc limit ${limit}`,
  );
}
