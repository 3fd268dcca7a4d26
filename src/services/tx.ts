import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import { isGatehouseError } from '../domain/errors.js';
import type { EngineDeps } from './context.js';

/**
 * The jobs a committed write can leave work for: outbox rows for the DM sender, fulfilments
 * nobody has taken (not leased to the caller) for the delivery job. Everything else the jobs do
 * falls due with time and waits for the scheduled tick.
 */
export type WakeJob = 'outbox' | 'delivery';

/**
 * Per open transaction (by its handle): the jobs its writes woke, and the rows writers handed to
 * it to insert just before COMMIT, one statement per kind (audit rows, outbox rows).
 */
interface TransactionNotes {
  wakes: Set<WakeJob>;
  deferred: Map<string, { rows: unknown[]; write: (tx: Db, rows: unknown[]) => Promise<void> }>;
}
const open = new WeakMap<object, TransactionNotes>();

/**
 * Notes, in a writer, that its transaction left work for `jobs`: once it commits, those jobs (and
 * only those) are woken through `deps.wake`. A rolled-back transaction wakes nothing. A handle
 * that is not an `inTransaction` one (none today) wakes nothing: the scheduled tick finds it.
 */
export function wakeAfterCommit(tx: Db, ...jobs: WakeJob[]): void {
  const noted = open.get(tx);
  if (noted) for (const job of jobs) noted.wakes.add(job);
}

/**
 * Hands rows to the transaction, to be written by `write` just before it commits, together with
 * every other batch of the same `kind` (in the order they were handed over): a service that
 * audits four steps writes one INSERT, not four. Still in the same transaction (invariant 1);
 * nothing in it may read those rows back. False when `tx` is no `inTransaction` handle: the
 * caller writes them itself, now.
 */
export function deferToCommit<R>(
  tx: Db,
  kind: string,
  rows: readonly R[],
  write: (tx: Db, rows: R[]) => Promise<void>,
): boolean {
  const noted = open.get(tx);
  if (!noted) return false;
  const batch = noted.deferred.get(kind);
  if (batch) batch.rows.push(...rows);
  else
    noted.deferred.set(kind, { rows: [...rows], write: write as (tx: Db, rows: unknown[]) => Promise<void> });
  return true;
}

/**
 * One service call, one transaction. Every query inside must use `tx` (on PGlite a query on
 * the root handle inside a transaction hangs). `now` is read once so a call has one instant.
 * After COMMIT, the jobs the writers noted (`wakeAfterCommit`) are woken; a read wakes nothing.
 */
export async function inTransaction<T>(deps: EngineDeps, fn: (tx: Db, now: Date) => Promise<T>): Promise<T> {
  const now = deps.clock.now();
  const noted: TransactionNotes = { wakes: new Set(), deferred: new Map() };
  let result: T;
  try {
    result = await deps.database.db.transaction(async (handle) => {
      const tx = handle as unknown as Db;
      open.set(tx, noted);
      const value = await fn(tx, now);
      for (const { rows, write } of noted.deferred.values()) await write(tx, rows);
      return value;
    });
  } catch (error) {
    await auditRefusal(deps, error);
    throw error;
  }
  if (noted.wakes.size > 0) deps.wake?.(noted.wakes);
  return result;
}

/** For a check made outside any transaction: a refusal it throws is audited like one inside. */
export async function auditingRefusals<T>(deps: EngineDeps, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    await auditRefusal(deps, error);
    throw error;
  }
}

/**
 * A permission refusal (`auth.forbidden` naming its actor) leaves one `auth.refused` audit row,
 * written in a transaction of its own: the refused one rolled back, so nothing of it is kept.
 */
export async function auditRefusal(deps: EngineDeps, error: unknown): Promise<void> {
  if (!isGatehouseError(error, 'auth.forbidden')) return;
  const { actorId, catalogId, ...details } = error.details;
  if (typeof actorId !== 'string') return;
  try {
    await deps.database.db.insert(auditLog).values({
      at: deps.clock.now(),
      actorId,
      action: 'auth.refused',
      catalogId: typeof catalogId === 'number' ? catalogId : null,
      data: { ...details, message: error.message },
    });
  } catch (auditError) {
    deps.log.error({ err: auditError, actorId }, 'could not audit a refused attempt');
  }
}

/** The SQLSTATE of a driver error, looking through drizzle's wrapper. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint a unique violation named, when the driver says. */
export function violatedConstraint(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const c = current as { constraint?: unknown; constraint_name?: unknown };
    const name = c.constraint ?? c.constraint_name;
    if (typeof name === 'string') return name;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
