import { describe, expect, it } from 'vitest';
import { nextAttemptDelayMs } from '../../src/domain/backoff.js';

describe('delivery backoff', () => {
  it('doubles from 30 s and stops at the cap', () => {
    expect([1, 2, 3, 4].map((a) => nextAttemptDelayMs(a))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(nextAttemptDelayMs(50)).toBe(3_600_000);
    expect(nextAttemptDelayMs(0)).toBe(30_000);
  });
});
