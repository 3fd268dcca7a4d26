/** Samples the process's resident set size while a benchmark runs. */
export class RssSampler {
  private readonly samples: { atMs: number; rss: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;

  start(everyMs = 20): this {
    this.startedMs = performance.now();
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
    return this;
  }

  stop(): RssSummary {
    if (this.timer) clearInterval(this.timer);
    this.take();
    const elapsed = performance.now() - this.startedMs;
    const half = (from: number, to: number) =>
      Math.max(
        0,
        ...this.samples.filter((s) => s.atMs >= from * elapsed && s.atMs <= to * elapsed).map((s) => s.rss),
      );
    return {
      startMb: mb(this.samples[0]?.rss ?? 0),
      peakMb: mb(Math.max(...this.samples.map((s) => s.rss))),
      firstHalfPeakMb: mb(half(0, 0.5)),
      secondHalfPeakMb: mb(half(0.5, 1)),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      samples: this.samples.length,
    };
  }

  private take(): void {
    this.samples.push({ atMs: performance.now() - this.startedMs, rss: process.memoryUsage.rss() });
  }
}

export interface RssSummary {
  /** Sampled RSS when the run began. */
  startMb: number;
  /** Highest sampled RSS during the run. */
  peakMb: number;
  firstHalfPeakMb: number;
  /** Above the first half's peak when memory grows with the rows processed. */
  secondHalfPeakMb: number;
  /** process.resourceUsage().maxRSS: the process's peak since it started. */
  maxRssMb: number;
  samples: number;
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
