import schedule from 'node-schedule';
import { type Logger, outsideLogScope } from '../logger.js';

export interface Job {
  name: string;
  /** Does the job's due work once; returns what it did, for the log. */
  run(): Promise<unknown>;
  /** Run at most this often (wall time), whatever the tick: for jobs that call rate-limited APIs. */
  minIntervalMs?: number;
}

/** Metrics hooks: told about each tick and each job run; a hook that fails never fails a job. */
export interface JobObserver {
  /** Before a tick runs its jobs (e.g. how late the due work is). */
  tickStarting?(): Promise<void>;
  /** After each job run: its wall time, whether it threw, and what it returned. */
  jobFinished?(job: string, run: { seconds: number; failed: boolean; result: unknown }): void;
}

export interface JobRunner {
  /**
   * Runs every job once, in order, to completion, and waits for background work handed to
   * `track` (running the jobs again after it, for what it queued). The test clock uses it.
   */
  runAll(): Promise<void>;
  /** Work started outside a tick (a delivery right after a person's action) that runAll and stop wait for. */
  track(work: Promise<unknown>): void;
  /** Asks for a tick soon (after a person's action queued work); never waits for it. */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Fires all jobs on one node-schedule tick. A tick that finds the previous one still running is
 * skipped rather than stacked; row locks and leases in the services share work across replicas.
 */
export function startJobRunner(
  jobs: readonly Job[],
  options: { cron: string | null; log: Logger; observer?: JobObserver },
): JobRunner {
  const observer = options.observer ?? {};
  let running: Promise<void> | null = null;
  let stopped = false;
  let kicked = false;
  const background = new Set<Promise<unknown>>();

  const lastRun = new Map<string, number>();
  const runAll = async () => {
    await observer.tickStarting?.().catch((error: unknown) => {
      options.log.debug(
        { err: error instanceof Error ? error.message : String(error) },
        'tick observer failed',
      );
    });
    for (const job of jobs) {
      if (stopped) return;
      const started = performance.now();
      const last = lastRun.get(job.name);
      if (job.minIntervalMs && last !== undefined && started - last < job.minIntervalMs) continue;
      lastRun.set(job.name, started);
      let result: unknown;
      let failed = false;
      try {
        result = await job.run();
        options.log.debug({ job: job.name, ms: Math.round(performance.now() - started), result }, 'job ran');
      } catch (error) {
        failed = true;
        options.log.error({ job: job.name, err: error }, 'job failed; it runs again on the next tick');
      }
      try {
        observer.jobFinished?.(job.name, { seconds: (performance.now() - started) / 1000, failed, result });
      } catch (error) {
        options.log.debug(
          { err: error instanceof Error ? error.message : String(error) },
          'job observer failed',
        );
      }
    }
  };

  const tick = () => {
    if (running || stopped) return running;
    running = runAll().finally(() => {
      running = null;
    });
    return running;
  };

  const scheduled = options.cron ? schedule.scheduleJob(options.cron, () => void tick()) : null;

  return {
    async runAll() {
      for (;;) {
        while (running) await running;
        await tick();
        if (background.size === 0) return;
        await Promise.allSettled([...background]);
      }
    },
    track(work) {
      const settled = work.then(
        () => undefined,
        (error: unknown) => options.log.error({ err: error }, 'background work failed; the jobs retry it'),
      );
      background.add(settled);
      void settled.finally(() => background.delete(settled));
    },
    kick() {
      if (stopped || kicked) return;
      kicked = true;
      // A tick serves everyone: it must not carry the log fields of the request that kicked it.
      outsideLogScope(() =>
        setImmediate(() => {
          kicked = false;
          void (running ? running.then(() => tick()) : tick());
        }),
      );
    },
    async stop() {
      stopped = true;
      scheduled?.cancel();
      if (running) await running;
      await Promise.allSettled([...background]);
    },
  };
}
