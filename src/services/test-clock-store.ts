import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { testClock } from '../db/schema.js';

/**
 * The test clock's offset in the store (TEST_CLOCK=1 only), so that a restart never moves domain
 * time back: start-up restores it, every advance writes it before the clock moves. One row
 * (id = 1). Each function is one statement on the handle it is given: pass the transaction's
 * handle when inside one (on PGlite a query on the root handle inside a transaction hangs).
 */

/** The stored offset in milliseconds, or null when the test clock has never been advanced. */
export async function loadTestClockOffset(db: Db): Promise<number | null> {
  const [row] = await db.select({ offsetMs: testClock.offsetMs }).from(testClock).where(eq(testClock.id, 1));
  return row ? Number(row.offsetMs) : null;
}

/**
 * Stores `offsetMs` unless a larger offset is stored already (`greatest`: the offset only
 * grows, whichever advance or replica writes last). `at` is the domain instant the offset
 * moves the clock to. Answers the offset now stored.
 */
export async function saveTestClockOffset(db: Db, offsetMs: number, at: Date): Promise<number> {
  if (!Number.isFinite(offsetMs) || offsetMs < 0) {
    throw new RangeError('The test clock offset is a finite number of milliseconds ≥ 0.');
  }
  // Whole milliseconds, rounded up: the stored offset is never behind the clock's.
  const whole = Math.ceil(offsetMs);
  const [row] = await db
    .insert(testClock)
    .values({ id: 1, offsetMs: whole, updatedAt: at })
    .onConflictDoUpdate({
      target: testClock.id,
      set: { offsetMs: sql`greatest(${testClock.offsetMs}, excluded.offset_ms)`, updatedAt: at },
    })
    .returning({ offsetMs: testClock.offsetMs });
  return Number(row!.offsetMs);
}
