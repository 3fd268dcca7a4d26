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
 * backoff) or given up (dead, with the reason) — never re-sent after an ok.
 *
 * Every DM carries its idempotency key as message metadata. An attempt whose outcome is unknown
 * (the call got no answer, or the process or the database went away before the outcome was
 * recorded) leaves the row's lease set; the next attempt then first looks for the key in the DM's
 * recent history and, when Slack has the message, records it as sent instead of posting it again.
 * Only when that lookup itself fails is the DM posted regardless: at least once in that one case.
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
  /** The row's idempotency key: the DM carries it, so a resend can find what Slack already has. */
  idempotencyKey: string;
  attempts: number;
}

/** A DM Slack has: its ts, the DM channel, and whether it was found in history rather than posted now. */
export interface SentMessage {
  channel: string;
  ts: string | null;
  /** Posted by an earlier attempt whose outcome was unknown, found in the DM's history. */
  recovered?: boolean;
}

/** How DMs leave: Slack's Web API in the app, a fake in tests. */
export interface DmTransport {
  /**
   * Posts the message to a DM channel, or to a person's user id (Slack then posts in the app's DM
   * with them), carrying `key` (the outbox idempotency key) so that `findPosted` can find it.
   * Returns its ts, so a card can be updated later, and the DM channel it landed in.
   */
  post(
    channelOrUserId: string,
    message: RenderedMessage,
    key: string,
  ): Promise<{ ts: string | null; channel?: string }>;
  /**
   * The message carrying `key` among the DM's most recent messages, or null when it is not there.
   * Asked only before re-sending after an attempt whose outcome is unknown. A transport without
   * it re-sends (at least once).
   */
  findPosted?(channelOrUserId: string, key: string): Promise<{ ts: string; channel: string } | null>;
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

interface ClaimedRow {
  id: number;
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
  idempotency_key: string;
  attempts: number;
  /** The row's lease was still set: the last attempt never recorded a known outcome. */
  in_doubt: boolean;
  dm_channel_id: string | null;
  deactivated: boolean | null;
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
  /**
   * After Slack accepted a message (or it was found in the DM's history, `recovered`): e.g.
   * remember a card's channel and ts to update it later.
   */
  afterSend?: (message: OutboxMessage, sent: SentMessage) => Promise<void>;
  /** Spreads sends under Slack's per-channel and per-workspace limits. */
  pacer?: SendPacer;
  limit?: number;
}

export async function dispatchOutbox(deps: EngineDeps, options: DispatchOptions): Promise<OutboxReport> {
  const claimed = await inTransaction(deps, (tx, now) =>
    queryRows<ClaimedRow>(
      tx,
      sql`with picked as (
        select id, claimed_until from outbox
         where sent_at is null and dead_at is null and next_attempt_at <= ${now}
           and (claimed_until is null or claimed_until < ${now})
         order by next_attempt_at, id limit ${options.limit ?? 100} for update skip locked
      )
      update outbox o set claimed_until = ${new Date(now.getTime() + OUTBOX_LEASE_MS)}, attempts = o.attempts + 1
        from picked where o.id = picked.id
      returning o.id, o.kind, o.recipient, o.data, o.idempotency_key, o.attempts,
        picked.claimed_until is not null as in_doubt,
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
      idempotencyKey: row.idempotency_key,
      attempts: row.attempts,
    };
    // Slack refuses DMs to deactivated accounts (user_disabled): don't try.
    const outcome = row.deactivated
      ? await giveUp(deps, message, 'the recipient is deactivated')
      : await sendOne(deps, options, message, Boolean(row.in_doubt), channels);
    report[outcome] += 1;
  }
  return report;
}

/**
 * One row: render, look in the DM's history first when an earlier attempt's outcome is unknown,
 * post, record. The lease is cleared (claimed_until = null) only when this attempt's outcome is
 * known; an outcome left unknown keeps it set, expired at once, and so marks the row for the
 * history check on its next attempt.
 */
async function sendOne(
  deps: EngineDeps,
  options: DispatchOptions,
  message: OutboxMessage,
  inDoubt: boolean,
  channels: Map<string, string>,
): Promise<'sent' | 'retried' | 'dead'> {
  const cached = channels.get(message.recipient);
  // Whether, if this attempt fails, Slack might have the message: an earlier attempt left it in
  // doubt and no lookup has said otherwise, or this attempt's post got no answer.
  let unknown = inDoubt;
  let sent: { ts: string | null; channel?: string };
  let recovered = false;
  try {
    const rendered = await options.render(message);
    // A person's first DM goes to their user id and Slack answers with the DM channel, which is
    // cached: no conversations.open (Tier 3, ~50 a minute) before it, so 500 first DMs at once
    // are paced by chat.postMessage's limits alone. One DM channel per person: paced per person.
    await options.pacer?.acquire(message.recipient);
    const found = inDoubt ? await lookUp(deps, options.transport, message, cached) : undefined;
    if (found !== undefined) unknown = false;
    if (found) {
      sent = found;
      recovered = true;
    } else {
      try {
        sent = await options.transport.post(cached ?? message.recipient, rendered, message.idempotencyKey);
      } catch (error) {
        if (!(error instanceof DmSendError && error.options.answered)) unknown = true;
        throw error;
      }
    }
  } catch (error) {
    return failed(deps, message, error, unknown);
  }
  // Slack has the message. Nothing from here may lead to posting it again: when recording it
  // fails (the database went away), the error leaves the lease set and the next attempt finds the
  // message in the DM's history.
  await finish(deps, message.id, sql`sent_at = ${deps.clock.now()}, last_error = null`, null);
  const channel = sent.channel ?? cached ?? message.recipient;
  if (!cached && sent.channel) {
    channels.set(message.recipient, sent.channel);
    await cacheDmChannel(deps, message.recipient, sent.channel).catch((error: unknown) => {
      deps.log.warn({ userId: message.recipient, err: String(error) }, 'DM channel not cached');
    });
  }
  await options
    .afterSend?.(message, { channel, ts: sent.ts, ...(recovered ? { recovered } : {}) })
    .catch((error: unknown) => {
      deps.log.warn(
        { outboxId: message.id, err: error instanceof Error ? error.message : String(error) },
        'after-send step failed',
      );
    });
  return 'sent';
}

/**
 * Before re-sending a DM whose earlier attempt's outcome is unknown: the message Slack already
 * has (found), null when the DM's recent history does not hold it, undefined when nobody knows
 * (the transport cannot look, or the lookup failed: the DM is posted anyway, at least once).
 */
async function lookUp(
  deps: EngineDeps,
  transport: DmTransport,
  message: OutboxMessage,
  cached: string | undefined,
): Promise<{ ts: string; channel: string } | null | undefined> {
  if (!transport.findPosted) return undefined;
  try {
    const found = await transport.findPosted(cached ?? message.recipient, message.idempotencyKey);
    if (found)
      deps.log.info({ outboxId: message.id, kind: message.kind }, 'DM found in history; not re-sent');
    return found;
  } catch (error) {
    deps.log.warn(
      {
        outboxId: message.id,
        kind: message.kind,
        err: error instanceof Error ? error.message : String(error),
      },
      'DM history lookup failed; re-sending (at least once)',
    );
    return undefined;
  }
}

async function failed(
  deps: EngineDeps,
  message: OutboxMessage,
  error: unknown,
  unknown: boolean,
): Promise<'retried' | 'dead'> {
  const reason = error instanceof Error ? error.message : String(error);
  const now = deps.clock.now();
  // An expired lease marks the outcome unknown: the next attempt looks before it posts.
  const lease = unknown ? now : null;
  const retryable = error instanceof DmSendError ? error.options.retryable : true;
  if (!retryable || message.attempts >= MAX_OUTBOX_ATTEMPTS) {
    deps.log.warn({ outboxId: message.id, kind: message.kind, err: reason }, 'notification given up');
    await finish(deps, message.id, sql`dead_at = ${now}, last_error = ${reason}`, lease);
    return 'dead';
  }
  const delay =
    error instanceof DmSendError && error.options.retryAfterMs !== undefined
      ? error.options.retryAfterMs
      : nextAttemptDelayMs(message.attempts, 5_000, 600_000);
  // Due strictly after the marker lease, so the row can be claimed again once due.
  const due = new Date(now.getTime() + (unknown ? Math.max(1, delay) : delay));
  await finish(deps, message.id, sql`next_attempt_at = ${due}, last_error = ${reason}`, lease);
  return 'retried';
}

async function giveUp(deps: EngineDeps, message: OutboxMessage, reason: string): Promise<'dead'> {
  await finish(deps, message.id, sql`dead_at = ${deps.clock.now()}, last_error = ${reason}`, null);
  return 'dead';
}

/** Records an attempt's outcome; `lease` null when it is known, else the (already expired) marker. */
async function finish(
  deps: EngineDeps,
  id: number,
  set: ReturnType<typeof sql>,
  lease: Date | null,
): Promise<void> {
  await deps.database.db.execute(sql`update outbox set ${set}, claimed_until = ${lease} where id = ${id}`);
}

async function cacheDmChannel(deps: EngineDeps, userId: string, channelId: string): Promise<void> {
  await deps.database.db.execute(
    sql`insert into users (id, name, dm_channel_id) values (${userId}, ${userId}, ${channelId})
        on conflict (id) do update set dm_channel_id = excluded.dm_channel_id`,
  );
}
