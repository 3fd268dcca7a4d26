import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import { isGatehouseError } from '../domain/errors.js';
import type { EngineDeps } from './context.js';

/**
 * One service call, one transaction. Every query inside must use `tx` (on PGlite a query on
 * the root handle inside a transaction hangs). `now` is read once so a call has one instant.
 */
export async function inTransaction<T>(deps: EngineDeps, fn: (tx: Db, now: Date) => Promise<T>): Promise<T> {
  // PGlite runs every statement on this thread, and a chain of them never lets the event loop
  // turn: without a turn between transactions, Slack's requests wait for whole commands and jobs.
  if (deps.database.kind === 'pglite') await new Promise<void>((resolve) => setImmediate(resolve));
  const now = deps.clock.now();
  try {
    return await deps.database.db.transaction((tx) => fn(tx as unknown as Db, now));
  } catch (error) {
    await auditRefusal(deps, error);
    throw error;
  }
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
