import type { Clock } from '../clock.js';
import { TokenBucket } from '../domain/token-bucket.js';

/** Calls a minute and the burst allowed, for one Web API method. */
export interface MethodLimit {
  perMinute: number;
  burst: number;
}

/**
 * The connectors' methods, a tenth under Slack's tiers (SLACK-FACTS.md "Per-method tiers"):
 * Slack counts calls as they arrive, so pacing at exactly its rate lets jitter draw a 429.
 * Tier 2 (user groups) is 20 a minute, Tier 3 (channel membership) 50.
 */
export const SLACK_METHOD_LIMITS: Readonly<Record<string, MethodLimit>> = {
  'usergroups.users.list': { perMinute: 18, burst: 18 },
  'usergroups.users.update': { perMinute: 18, burst: 18 },
  'usergroups.enable': { perMinute: 18, burst: 18 },
  'usergroups.disable': { perMinute: 18, burst: 18 },
  'conversations.invite': { perMinute: 45, burst: 45 },
  'conversations.kick': { perMinute: 45, burst: 45 },
  'conversations.members': { perMinute: 90, burst: 90 },
};

/** Every limit times `scale` (SLACK_POST_RATE_SCALE), rounded as the sandbox's fake rounds its own. */
export function scaledMethodLimits(scale: number): Record<string, MethodLimit> {
  return Object.fromEntries(
    Object.entries(SLACK_METHOD_LIMITS).map(([method, l]) => [
      method,
      { perMinute: l.perMinute * scale, burst: Math.max(1, Math.floor(l.burst * scale)) },
    ]),
  );
}

/**
 * Paces Web API calls per method (Slack's limits are per method per workspace), like the
 * outbox's SendPacer paces DMs: a call waits for its method's token instead of drawing a 429.
 * After a 429 the method is held back until its Retry-After has passed. Real time: it waits on
 * the clock it is given (the wall clock), never on domain time.
 */
export class MethodPacer {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: Readonly<Record<string, MethodLimit>>,
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when `method` may be called, and counts the call. */
  async acquire(method: string): Promise<void> {
    await this.ready(method, true);
  }

  /** Resolves when a call of `method` could go at once (takes nothing): a batch gathers meanwhile. */
  async whenReady(method: string): Promise<void> {
    await this.ready(method, false);
  }

  /** Slack answered 429 with Retry-After: no call of `method` before that. */
  rateLimited(method: string, retryAfterMs: number): void {
    const now = this.clock.now().getTime();
    this.bucket(method, now)?.block(now, now + retryAfterMs);
  }

  private async ready(method: string, take: boolean): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime();
      const bucket = this.bucket(method, now);
      if (!bucket) return;
      const wait = bucket.waitMs(now);
      if (wait === 0) {
        if (take) bucket.take(now);
        return;
      }
      await this.sleep(wait);
    }
  }

  private bucket(method: string, now: number): TokenBucket | undefined {
    let bucket = this.buckets.get(method);
    if (!bucket) {
      const limit = this.limits[method];
      if (!limit) return undefined;
      bucket = new TokenBucket(limit.perMinute, limit.burst, now);
      this.buckets.set(method, bucket);
    }
    return bucket;
  }
}
