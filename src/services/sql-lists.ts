import { type SQL, sql } from 'drizzle-orm';
import {
  ACTIVE_ASSIGNMENT_STATES,
  DONE_FULFILMENT_STATES,
  DUE_FULFILMENT_STATES,
  OPEN_REQUEST_STATES,
} from '../domain/states.js';

/**
 * Lists inside raw SQL (states, and enum values like resource kinds). State lists come from the domain's constants, inlined as literals (a
 * partial index's predicate only matches literals): `state in ${ACTIVE_ASSIGNMENTS}`.
 */
export function sqlStateList(states: readonly string[]): SQL {
  if (states.length === 0) throw new TypeError('an empty state list matches nothing');
  for (const state of states) {
    if (!/^[a-z_]+$/.test(state)) throw new TypeError(`not a state name: ${state}`);
  }
  return sql.raw(`(${states.map((s) => `'${s}'`).join(',')})`);
}

/** `('delivering','delivered','delivery_failed')`: assignments that grant access. */
export const ACTIVE_ASSIGNMENTS = sqlStateList(ACTIVE_ASSIGNMENT_STATES);
/** `('submitted','pending_approval','approved','scheduled')`: requests still open. */
export const OPEN_REQUESTS = sqlStateList(OPEN_REQUEST_STATES);
/** `('pending','failed')`: fulfilments waiting for an attempt. */
export const DUE_FULFILMENTS = sqlStateList(DUE_FULFILMENT_STATES);
/** `('delivered','skipped')`: grants that stand for access. */
export const DONE_FULFILMENTS = sqlStateList(DONE_FULFILMENT_STATES);

/** A Postgres int[] literal from numbers (driver-independent). */
export function sqlIntArray(values: readonly number[]): SQL {
  const safe = values.map((v) => {
    if (!Number.isSafeInteger(v)) throw new TypeError(`not an integer id: ${v}`);
    return v;
  });
  return sql`${`{${safe.join(',')}}`}::int[]`;
}
