/** Domain time. Nothing in the engine reads Date.now(): it asks a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The test clock: the wall clock plus an offset that only grows (the contract's
 * POST /_test/clock). Like Stripe's test clocks, a sandbox feature. The offset lives in memory;
 * start-up restores it from the store and every advance writes it back
 * (services/test-clock-store.ts), so a restart never moves domain time back.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly wall: Clock = systemClock) {}

  now(): Date {
    return new Date(this.wall.now().getTime() + this.offsetMs);
  }

  /** How far ahead of the wall clock this clock is, in milliseconds (never negative). */
  get offset(): number {
    return this.offsetMs;
  }

  /** Takes a stored offset back (start-up); like every move, only forward: a smaller one is ignored. */
  restore(offsetMs: number): Date {
    if (!Number.isFinite(offsetMs)) throw new RangeError('The test clock offset must be a finite number.');
    if (offsetMs > this.offsetMs) this.offsetMs = offsetMs;
    return this.now();
  }

  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('The test clock only moves forward.');
    this.offsetMs += seconds * 1000;
    return this.now();
  }

  /** The offset that puts this clock at `instant`, or the current one when `instant` is not ahead. */
  offsetAt(instant: Date): number {
    return Math.max(this.offsetMs, instant.getTime() - this.wall.now().getTime());
  }

  /** Moves to `instant` if it is ahead; used when stepping through due times in order. */
  advanceTo(instant: Date): Date {
    const delta = instant.getTime() - this.now().getTime();
    if (delta > 0) this.offsetMs += delta;
    return this.now();
  }
}

/** A clock that stands still until told to move: for tests. */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start: Date | string = '2026-01-05T09:00:00Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(instant: Date | string): void {
    this.current = new Date(instant);
  }

  advanceSeconds(seconds: number): Date {
    this.current = new Date(this.current.getTime() + seconds * 1000);
    return this.now();
  }

  advanceDays(days: number): Date {
    return this.advanceSeconds(days * 86_400);
  }
}
