import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, OffsetClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema.js';
import { advanceTestClock } from '../../src/http/test-clock.js';
import type { JobRunner } from '../../src/jobs/runner.js';
import { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import type { EngineDeps } from '../../src/services/context.js';
import { loadTestClockOffset, saveTestClockOffset } from '../../src/services/test-clock-store.js';
import { createTestDatabaseUrl, databaseLabel } from '../support/db.js';
import { useTestEngine } from '../support/engine.js';
import { runMain } from '../support/main-process.js';

const DAY_MS = 86_400_000;

/**
 * The contract's test clock only moves forward, restarts included: its offset is kept in the
 * store while TEST_CLOCK=1, restored at start-up, written at every step of an advance.
 */
describe(`the test clock across restarts (${databaseLabel})`, () => {
  /** The same store for every start: a PGlite DATA_DIR, or a PostgreSQL database of this file's own. */
  let store: { env: Record<string, string>; databaseUrl?: string; drop(): Promise<void> };

  beforeAll(async () => {
    const database = await createTestDatabaseUrl();
    if (database) {
      store = { env: {}, databaseUrl: database.url, drop: () => database.drop() };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-clock-'));
      store = { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    }
  });
  afterAll(() => store?.drop());

  async function start(env: Record<string, string> = {}): Promise<GatehouseSandbox> {
    const sandbox = new GatehouseSandbox({
      ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}),
      env: { ...store.env, ...env },
    });
    return sandbox.start();
  }

  it('after a restart on the same store, the clock is still 3 days ahead; TEST_CLOCK off ignores it', async () => {
    const first = await start();
    try {
      const moved = await first.advance(3 * 86_400);
      expect(new Date(moved).getTime()).toBeGreaterThanOrEqual(Date.now() + 3 * DAY_MS - 60_000);
    } finally {
      await first.stop();
    }

    const second = await start();
    try {
      const now = new Date(await second.advance(0)).getTime();
      expect(now).toBeGreaterThanOrEqual(Date.now() + 3 * DAY_MS - 60_000);
      expect(now).toBeLessThan(Date.now() + 3 * DAY_MS + 60_000);
    } finally {
      await second.stop();
    }

    // TEST_CLOCK off: the stored offset is ignored (real time), the route is not there …
    const off = await start({ TEST_CLOCK: '0' });
    try {
      expect(Math.abs(off.gatehouse.deps.clock.now().getTime() - Date.now())).toBeLessThan(60_000);
      const response = await fetch(`${off.origin}/_test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 0 }),
      });
      expect(response.status).not.toBe(200);
    } finally {
      await off.stop();
    }

    // … and kept: TEST_CLOCK on again resumes from it.
    const third = await start();
    try {
      const now = new Date(await third.advance(0)).getTime();
      expect(now).toBeGreaterThanOrEqual(Date.now() + 3 * DAY_MS - 60_000);
    } finally {
      await third.stop();
    }
  });
});

describe(`the test clock's store (${databaseLabel})`, () => {
  const t = useTestEngine();

  it('an advance that dies half way keeps the steps it took', async () => {
    const wall = new ManualClock('2026-03-02T09:00:00Z');
    const clock = new OffsetClock(wall);
    const deps: EngineDeps = { ...t.deps, clock };
    // One due time a day ahead, so a 3-day advance steps there first.
    await t.database.db.insert(outbox).values({
      kind: 'test.clock',
      recipient: 'UCLOCK0001',
      data: {},
      idempotencyKey: 'test-clock-step',
      nextAttemptAt: new Date(wall.now().getTime() + DAY_MS),
      createdAt: wall.now(),
    });
    let runs = 0;
    const jobs = {
      async runAll() {
        runs += 1;
        // The run at the first step (after the one before any move) crashes the advance.
        if (runs === 2) throw new Error('the process died here');
      },
    } as unknown as JobRunner;

    await expect(advanceTestClock(deps, clock, jobs, 3 * 86_400)).rejects.toThrow('the process died here');
    expect(clock.offset).toBe(DAY_MS);
    expect(await loadTestClockOffset(t.database.db)).toBe(DAY_MS);

    // A restart resumes from the step, not from the wall clock.
    const restarted = new OffsetClock(wall);
    restarted.restore((await loadTestClockOffset(t.database.db))!);
    expect(restarted.now().toISOString()).toBe('2026-03-03T09:00:00.000Z');

    // The advance run again goes the whole way, and the store follows.
    runs = 10;
    const now = await advanceTestClock({ ...t.deps, clock: restarted }, restarted, jobs, 2 * 86_400);
    expect(now.toISOString()).toBe('2026-03-05T09:00:00.000Z');
    expect(await loadTestClockOffset(t.database.db)).toBe(3 * DAY_MS);
  });

  it('the stored offset only grows (greatest of stored and new)', async () => {
    const at = new Date('2026-03-02T09:00:00Z');
    expect(await saveTestClockOffset(t.database.db, 10 * DAY_MS, at)).toBe(10 * DAY_MS);
    expect(await saveTestClockOffset(t.database.db, DAY_MS, at)).toBe(10 * DAY_MS);
    expect(await loadTestClockOffset(t.database.db)).toBe(10 * DAY_MS);
    // Inside a transaction, on its handle (PGlite: the root handle would hang there).
    await t.database.db.transaction(async (tx) => {
      await saveTestClockOffset(tx as unknown as Db, 11 * DAY_MS + 0.5, at);
      expect(await loadTestClockOffset(tx as unknown as Db)).toBe(11 * DAY_MS + 1);
    });
    expect(await loadTestClockOffset(t.database.db)).toBe(11 * DAY_MS + 1);
    // A restored clock never goes back either.
    const clock = new OffsetClock(new ManualClock('2026-03-02T09:00:00Z'));
    clock.restore(2 * DAY_MS);
    clock.restore(DAY_MS);
    expect(clock.offset).toBe(2 * DAY_MS);
  });
});

describe('npm start with a mis-cased production NODE_ENV', () => {
  it.each(['Production', ' production '])(
    'NODE_ENV=%j and TEST_CLOCK=1: exit 1, one line',
    async (nodeEnv) => {
      const { code, stderr } = await runMain({
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'test-signing-secret',
        DATA_DIR: 'memory',
        PORT: '0',
        TEST_CLOCK: '1',
        NODE_ENV: nodeEnv,
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        'gatehouse: TEST_CLOCK: the test clock is refused when NODE_ENV=production',
      ]);
    },
  );
});
