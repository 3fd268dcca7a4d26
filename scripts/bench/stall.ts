/**
 * The longest the event loop went without turning while a benchmark ran: a 5 ms heartbeat,
 * and the gap since its last beat when stopped (a run that never yields shows as one long gap;
 * perf_hooks' monitorEventLoopDelay records nothing then). On PGlite every statement runs on
 * the app's own thread, so a gap here is time in which no Slack request could be acked.
 */
export class StallMeter {
  private last = 0;
  private longest = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): this {
    this.last = performance.now();
    this.timer = setInterval(() => this.beat(), 5);
    return this;
  }

  /** The longest gap between turns of the event loop, ms. */
  stop(): number {
    this.beat();
    if (this.timer) clearInterval(this.timer);
    return this.longest;
  }

  private beat(): void {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.last);
    this.last = now;
  }
}
