import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { OffsetClock } from '../clock.js';
import type { JobRunner } from '../jobs/runner.js';
import type { EngineDeps } from '../services/context.js';
import { nextDueAt } from '../services/lifecycle/due-times.js';
import { saveTestClockOffset } from '../services/test-clock-store.js';

const advanceBody = z.object({
  advanceSeconds: z
    .number()
    .finite()
    .min(0)
    .max(10 * 366 * 86_400),
});

/** Steps in one advance; a safety stop, far above what any real jump needs. */
const MAX_STEPS = 100_000;

/**
 * POST /_test/clock {"advanceSeconds": N} (TEST_CLOCK=1 only): moves the test clock forward
 * through every due time in order, running every job to completion at each (DMs included), so
 * a 31-day jump sends the 14-day and 1-day reminders, then expires, revokes and tells. Each
 * step's offset is kept in the store (start-up restores it), so a restart never goes back.
 */
export async function advanceTestClock(
  deps: EngineDeps,
  clock: OffsetClock,
  jobs: JobRunner,
  advanceSeconds: number,
): Promise<Date> {
  const target = new Date(clock.now().getTime() + advanceSeconds * 1000);
  await jobs.runAll();
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = await nextDueAt(deps, clock.now(), target);
    if (!next) break;
    await moveTo(deps, clock, next);
    await jobs.runAll();
  }
  await moveTo(deps, clock, target);
  await jobs.runAll();
  return clock.now();
}

/**
 * Moves the clock to `instant`, writing the new offset to the store first: nothing can be stamped
 * with the new time before the store holds it, so a crash anywhere in an advance keeps every step
 * already taken, and the next start-up resumes from there (never from the wall clock).
 */
async function moveTo(deps: EngineDeps, clock: OffsetClock, instant: Date): Promise<void> {
  const offset = clock.offsetAt(instant);
  if (offset <= clock.offset) return;
  await saveTestClockOffset(deps.database.db, offset, instant);
  // Our own offset, not a larger one another process stored: this advance steps in order.
  clock.restore(offset);
}

export function testClockHandler(deps: EngineDeps, clock: OffsetClock, jobs: JobRunner) {
  return (req: NodeJS.ReadableStream, res: ServerResponse) => {
    void (async () => {
      let body: unknown;
      try {
        let raw = '';
        for await (const chunk of req) raw += String(chunk);
        body = JSON.parse(raw || '{}');
      } catch {
        return send(res, 400, { error: 'the body must be JSON: {"advanceSeconds": N}' });
      }
      const parsed = advanceBody.safeParse(body);
      if (!parsed.success) return send(res, 400, { error: 'advanceSeconds must be a number of seconds ≥ 0' });
      const now = await advanceTestClock(deps, clock, jobs, parsed.data.advanceSeconds);
      send(res, 200, { now: now.toISOString() });
    })().catch((error: unknown) => {
      deps.log.error({ err: error }, 'test clock advance failed');
      send(res, 500, { error: 'the advance failed; see the log' });
    });
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
