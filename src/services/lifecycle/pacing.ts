import type { Clock } from '../../clock.js';
import { TokenBucket as Bucket } from '../../domain/token-bucket.js';

export interface PacingLimits {
  /** Slack: about one message a second to one channel (each DM is its own channel), bursts allowed. */
  perChannelPerMinute: number;
  perChannelBurst: number;
  /** Slack: "several hundred messages per minute" to the whole workspace. */
  workspacePerMinute: number;
  workspaceBurst: number;
}

/**
 * A tenth under Slack's limits (60 a minute per channel with a burst of 3; 300 a minute per
 * workspace with a burst of 100): Slack counts sends when they arrive, so pacing at exactly its
 * rate lets network jitter bunch two sends closer than allowed and draw a 429.
 */
export const SLACK_POST_LIMITS: PacingLimits = {
  perChannelPerMinute: 54,
  perChannelBurst: 3,
  workspacePerMinute: 270,
  workspaceBurst: 90,
};

/**
 * Paces chat.postMessage under Slack's limits so a burst of notifications (500 expiries in one
 * minute) is spread out instead of tripping 429s. Real time: it waits on the wall clock.
 */
export class SendPacer {
  private readonly workspace: Bucket;
  private readonly channels = new Map<string, Bucket>();

  constructor(
    private readonly limits: PacingLimits,
    private readonly wallClock: Clock,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.workspace = new Bucket(limits.workspacePerMinute, limits.workspaceBurst, wallClock.now().getTime());
  }

  /** Resolves when a message to `channel` may be sent, and counts it. */
  async acquire(channel: string): Promise<void> {
    for (;;) {
      const now = this.wallClock.now().getTime();
      const bucket = this.channelBucket(channel, now);
      const wait = Math.max(this.workspace.waitMs(now), bucket.waitMs(now));
      if (wait === 0) {
        this.workspace.take(now);
        bucket.take(now);
        return;
      }
      await this.sleep(wait);
    }
  }

  private channelBucket(channel: string, now: number): Bucket {
    let bucket = this.channels.get(channel);
    if (!bucket) {
      if (this.channels.size > 10_000) this.channels.clear();
      bucket = new Bucket(this.limits.perChannelPerMinute, this.limits.perChannelBurst, now);
      this.channels.set(channel, bucket);
    }
    return bucket;
  }
}
