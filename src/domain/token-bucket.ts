/**
 * A token bucket: `ratePerMinute` tokens a minute, at most `burst` saved up. Pure: the caller
 * passes the time (milliseconds) at every step.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  /** No token is given out before this instant (a 429's Retry-After). */
  private blockedUntil = 0;

  constructor(
    private readonly ratePerMinute: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Milliseconds until a token is free (0: take it now). */
  waitMs(now: number): number {
    this.refill(now);
    const blocked = Math.max(0, this.blockedUntil - now);
    const empty = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 60_000) / this.ratePerMinute);
    return Math.max(blocked, empty);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** The other side said "not before `until`": nothing saved up survives it. */
  block(now: number, until: number): void {
    this.refill(now);
    this.blockedUntil = Math.max(this.blockedUntil, until);
    this.tokens = Math.min(this.tokens, 1);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.ratePerMinute) / 60_000);
    this.updatedAt = now;
  }
}
