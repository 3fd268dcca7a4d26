import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SendPacer } from '../../src/services/lifecycle/pacing.js';

describe('send pacing', () => {
  const limits = {
    perChannelPerMinute: 60,
    perChannelBurst: 3,
    workspacePerMinute: 300,
    workspaceBurst: 100,
  };

  function pacer() {
    const clock = new ManualClock('2026-11-27T10:00:00Z');
    const slept: number[] = [];
    const p = new SendPacer(limits, clock, async (ms) => {
      slept.push(ms);
      clock.advanceSeconds(ms / 1000);
    });
    return { p, clock, slept };
  }

  it('lets a burst of three through to one channel, then one a second', async () => {
    const { p, clock } = pacer();
    const start = clock.now().getTime();
    for (let i = 0; i < 6; i++) await p.acquire('D1');
    expect(clock.now().getTime() - start).toBe(3000);
  });

  it('spreads 500 DMs to 500 people over the workspace limit: 100 at once, then 300 a minute', async () => {
    const { p, clock } = pacer();
    const start = clock.now().getTime();
    for (let i = 0; i < 500; i++) await p.acquire(`D${i}`);
    const elapsed = clock.now().getTime() - start;
    // 400 beyond the burst at 5 a second: 80 s.
    expect(elapsed).toBeGreaterThanOrEqual(79_000);
    expect(elapsed).toBeLessThanOrEqual(81_000);
  });

  it('never waits while under the limits', async () => {
    const { p, slept } = pacer();
    for (let i = 0; i < 50; i++) await p.acquire(`D${i % 25}`);
    expect(slept).toEqual([]);
  });
});
