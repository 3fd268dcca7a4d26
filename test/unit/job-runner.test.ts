import { describe, expect, it } from 'vitest';
import { type Job, startJobRunner } from '../../src/jobs/runner.js';
import { silentLogger } from '../../src/logger.js';

/** A promise and the functions that settle it: the tests wait on the jobs, never on time. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Jobs named like the engine's that record each run; `hold` makes one wait until released. */
function recordingJobs(names: readonly string[]) {
  const ran: string[] = [];
  const waiting = new Map<string, ReturnType<typeof deferred>>();
  const finished = new Map<string, ReturnType<typeof deferred>>();
  const jobs: Job[] = names.map((name) => ({
    name,
    async run() {
      ran.push(name);
      const gate = waiting.get(name);
      if (gate) {
        waiting.delete(name);
        await gate.promise;
      }
      finished.get(name)?.resolve();
      finished.delete(name);
    },
  }));
  return {
    ran,
    jobs,
    /** The next run of `name` waits for the returned release. */
    hold(name: string) {
      const gate = deferred();
      waiting.set(name, gate);
      return gate.resolve;
    },
    /** Resolves when `name` next finishes a run. */
    finishes(name: string) {
      const done = deferred();
      finished.set(name, done);
      return done.promise;
    },
  };
}

const NAMES = ['due-work', 'expiry', 'delivery', 'outbox'];

describe('the job runner (wake on write)', () => {
  it('a named kick runs only those jobs, without the tick observer', async () => {
    const r = recordingJobs(NAMES);
    let ticks = 0;
    const runner = startJobRunner(r.jobs, {
      cron: null,
      log: silentLogger,
      observer: {
        async tickStarting() {
          ticks += 1;
        },
      },
    });
    const sent = r.finishes('outbox');
    runner.kick(['outbox']);
    await sent;
    expect(r.ran).toEqual(['outbox']);
    expect(ticks).toBe(0);
    await runner.stop();
  });

  it('kicks before the run starts are coalesced into one run, in the tick order', async () => {
    const r = recordingJobs(NAMES);
    const runner = startJobRunner(r.jobs, { cron: null, log: silentLogger });
    const sent = r.finishes('outbox');
    runner.kick(['outbox']);
    runner.kick(['delivery', 'outbox']);
    runner.kick(['no-such-job']);
    await sent;
    expect(r.ran).toEqual(['delivery', 'outbox']);
    await runner.stop();
  });

  it('a kick for a job the running tick has not reached is left to that tick', async () => {
    const r = recordingJobs(NAMES);
    const runner = startJobRunner(r.jobs, { cron: null, log: silentLogger });
    const release = r.hold('expiry');
    const tick = runner.runAll();
    // The tick is inside `expiry`: `outbox` is still ahead of it.
    await Promise.resolve();
    runner.kick(['outbox']);
    release();
    await tick;
    // A run left pending would start as soon as the tick ends: give it the turns it would take.
    for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(r.ran).toEqual(NAMES);
    await runner.stop();
  });

  it('a kick for a job that already ran (or is running) in this tick runs it again afterwards', async () => {
    const r = recordingJobs(NAMES);
    const runner = startJobRunner(r.jobs, { cron: null, log: silentLogger });
    const release = r.hold('outbox');
    const tick = runner.runAll();
    // Let the tick reach `outbox`, which waits: a row committed now may be past its claim.
    while (r.ran.length < NAMES.length) await new Promise<void>((resolve) => setImmediate(resolve));
    const again = deferred();
    runner.kick(['delivery']);
    runner.kick(['outbox']);
    release();
    await tick;
    const sent = r.finishes('outbox');
    void sent.then(() => again.resolve());
    await again.promise;
    expect(r.ran).toEqual([...NAMES, 'delivery', 'outbox']);
    await runner.stop();
  });

  it('a kick without names asks for a whole tick', async () => {
    const r = recordingJobs(NAMES);
    let ticks = 0;
    const runner = startJobRunner(r.jobs, {
      cron: null,
      log: silentLogger,
      observer: {
        async tickStarting() {
          ticks += 1;
        },
      },
    });
    const sent = r.finishes('outbox');
    runner.kick(['outbox']);
    runner.kick();
    await sent;
    expect(r.ran).toEqual(NAMES);
    expect(ticks).toBe(1);
    await runner.stop();
  });
});
