import type { Clock } from '../clock.js';

/** A token bucket: `burst` calls at once, refilled at `perMinute`. */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

/** Slack's tiers (SLACK-FACTS.md "Web API rate limits"), per method per workspace. */
export const TIERS = {
  tier1: { perMinute: 1, burst: 1 },
  tier2: { perMinute: 20, burst: 20 },
  tier3: { perMinute: 50, burst: 50 },
  tier4: { perMinute: 100, burst: 100 },
} as const satisfies Record<string, RateLimit>;

export const METHOD_LIMITS: Readonly<Record<string, RateLimit>> = {
  'auth.test': { perMinute: 600, burst: 600 },
  'users.info': TIERS.tier4,
  'users.list': TIERS.tier2,
  'conversations.open': TIERS.tier3,
  'conversations.invite': TIERS.tier3,
  'conversations.kick': TIERS.tier3,
  'conversations.members': TIERS.tier4,
  // Tier 3 for internal apps; apps distributed outside the Marketplace get Tier 1 (since 2025).
  'conversations.history': TIERS.tier3,
  'chat.update': TIERS.tier3,
  'chat.postEphemeral': TIERS.tier4,
  'views.open': TIERS.tier4,
  'views.push': TIERS.tier4,
  'views.update': TIERS.tier4,
  'views.publish': TIERS.tier4,
  'usergroups.list': TIERS.tier2,
  'usergroups.users.list': TIERS.tier2,
  'usergroups.users.update': TIERS.tier2,
  'usergroups.enable': TIERS.tier2,
  'usergroups.disable': TIERS.tier2,
};

/** chat.postMessage: about one a second per channel (a DM is a channel) with a small burst… */
export const POST_MESSAGE_PER_CHANNEL: RateLimit = { perMinute: 60, burst: 3 };
/** …and several hundred a minute across the workspace. */
export const POST_MESSAGE_PER_WORKSPACE: RateLimit = { perMinute: 300, burst: 100 };

export interface RateLimiterOptions {
  enabled: boolean;
  /** Multiplies every rate and burst: below 1 makes limits bite in a test. */
  scale: number;
  clock: Clock;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** Takes one token from every bucket the call draws on, or none when any is empty. */
  take(method: string, channel?: string): RateDecision {
    if (!this.options.enabled) return { ok: true };
    const draws: Array<[string, RateLimit]> =
      method === 'chat.postMessage'
        ? [
            ['chat.postMessage', POST_MESSAGE_PER_WORKSPACE],
            [`chat.postMessage:${channel ?? ''}`, POST_MESSAGE_PER_CHANNEL],
          ]
        : [[method, METHOD_LIMITS[method] ?? TIERS.tier3]];
    const nowMs = this.options.clock.now().getTime();
    let waitSeconds = 0;
    const buckets = draws.map(([key, limit]) => {
      const scaled = this.scaled(limit);
      const bucket = this.refill(key, scaled, nowMs);
      if (bucket.tokens < 1) {
        waitSeconds = Math.max(waitSeconds, Math.ceil(((1 - bucket.tokens) * 60) / scaled.perMinute));
      }
      return bucket;
    });
    if (waitSeconds > 0) return { ok: false, retryAfterSeconds: Math.max(1, waitSeconds) };
    for (const bucket of buckets) bucket.tokens -= 1;
    return { ok: true };
  }

  reset(): void {
    this.buckets.clear();
  }

  private scaled(limit: RateLimit): RateLimit {
    const scale = this.options.scale;
    return { perMinute: limit.perMinute * scale, burst: Math.max(1, Math.floor(limit.burst * scale)) };
  }

  private refill(key: string, limit: RateLimit, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit.burst, updatedMs: nowMs };
      this.buckets.set(key, bucket);
    }
    const elapsedSeconds = Math.max(0, nowMs - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsedSeconds * limit.perMinute) / 60);
    bucket.updatedMs = nowMs;
    return bucket;
  }
}
