import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { OffsetClock } from '../clock.js';
import type { JobRunner } from '../jobs/runner.js';
import type { EngineDeps } from '../services/context.js';
import { nextDueAt } from '../services/lifecycle/due-times.js';

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
 * a 31-day jump sends the 14-day and 1-day reminders, then expires, revokes and tells.
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
    clock.advanceTo(next);
    await jobs.runAll();
  }
  clock.advanceTo(target);
  await jobs.runAll();
  return clock.now();
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
