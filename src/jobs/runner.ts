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
  /**
   * Asks for a run soon; never waits for it. With names (what a committed transaction left work
   * for: `['outbox']`), only those jobs run, in the tick's order; without, a whole tick (start-up
   * catch-up). A named job a running tick has yet to reach is left to that tick.
   */
  kick(jobNames?: readonly string[]): void;
  stop(): Promise<void>;
}

/**
 * Fires all jobs on one node-schedule tick. A tick that finds the previous one still running is
 * skipped rather than stacked; row locks and leases in the services share work across replicas.
 * Between ticks, `kick` runs just the jobs a write woke (wake on write, services/tx.ts).
 */
export function startJobRunner(
  jobs: readonly Job[],
  options: { cron: string | null; log: Logger; observer?: JobObserver },
): JobRunner {
  const observer = options.observer ?? {};
  let running: Promise<void> | null = null;
  let stopped = false;
  /** Jobs asked for and not yet run: 'all' for a whole tick. */
  let pending: Set<string> | 'all' | null = null;
  let flushScheduled = false;
  /** The run in progress: which jobs it runs, and which of them have started. */
  let current: { jobs: ReadonlySet<string>; started: Set<string> } | null = null;
  const background = new Set<Promise<unknown>>();
  const allNames = new Set(jobs.map((job) => job.name));

  const lastRun = new Map<string, number>();
  const runJobs = async (selection: ReadonlySet<string> | 'all') => {
    const whole = selection === 'all';
    const started = new Set<string>();
    current = { jobs: whole ? allNames : selection, started };
    // The lag probe is a tick's: a run of the jobs a write woke skips it (one query less per action).
    if (whole) {
      await observer.tickStarting?.().catch((error: unknown) => {
        options.log.debug(
          { err: error instanceof Error ? error.message : String(error) },
          'tick observer failed',
        );
      });
    }
    for (const job of jobs) {
      if (stopped) return;
      if (!whole && !selection.has(job.name)) continue;
      started.add(job.name);
      const began = performance.now();
      const last = lastRun.get(job.name);
      if (job.minIntervalMs && last !== undefined && began - last < job.minIntervalMs) continue;
      lastRun.set(job.name, began);
      let result: unknown;
      let failed = false;
      try {
        result = await job.run();
        options.log.debug({ job: job.name, ms: Math.round(performance.now() - began), result }, 'job ran');
      } catch (error) {
        failed = true;
        options.log.error({ job: job.name, err: error }, 'job failed; it runs again on the next tick');
      }
      try {
        observer.jobFinished?.(job.name, { seconds: (performance.now() - began) / 1000, failed, result });
      } catch (error) {
        options.log.debug(
          { err: error instanceof Error ? error.message : String(error) },
          'job observer failed',
        );
      }
    }
  };

  /** Starts a run unless one is running (then that one is returned: a tick is skipped, not stacked). */
  const start = (selection: ReadonlySet<string> | 'all') => {
    if (running || stopped) return running;
    // A whole tick does everything that was asked for so far.
    if (selection === 'all') pending = null;
    running = runJobs(selection).finally(() => {
      running = null;
      current = null;
    });
    return running;
  };
  const tick = () => start('all');

  /** Runs what was kicked, once whatever is running now has finished. */
  const flush = async () => {
    while (running) await running;
    const selection = pending;
    pending = null;
    if (!selection || stopped) return;
    await start(selection);
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
    kick(jobNames) {
      if (stopped) return;
      if (jobNames === undefined) {
        pending = 'all';
      } else {
        // A job the running tick has not reached yet will see this work anyway.
        const wanted = jobNames.filter(
          (name) => allNames.has(name) && !(current?.jobs.has(name) && !current.started.has(name)),
        );
        if (wanted.length === 0 || pending === 'all') return;
        pending ??= new Set();
        for (const name of wanted) pending.add(name);
      }
      if (flushScheduled) return;
      flushScheduled = true;
      // A run serves everyone: it must not carry the log fields of the request that kicked it.
      outsideLogScope(() =>
        setImmediate(() => {
          flushScheduled = false;
          void flush();
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
