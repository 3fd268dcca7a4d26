/** Domain time. Nothing in the engine reads Date.now(): it asks a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The test clock: the wall clock plus an offset that only grows (the contract's
 * POST /_test/clock). Like Stripe's test clocks, a sandbox feature.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly wall: Clock = systemClock) {}

  now(): Date {
    return new Date(this.wall.now().getTime() + this.offsetMs);
  }

  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('The test clock only moves forward.');
    this.offsetMs += seconds * 1000;
    return this.now();
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
