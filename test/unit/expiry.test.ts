import { describe, expect, it } from 'vitest';
import {
  checkTimeline,
  computeEndsAt,
  extensionRefusal,
  formatDuration,
  reminderTimes,
} from '../../src/domain/expiry.js';

const start = new Date('2026-03-01T10:00:00Z');

describe('expiry maths (UTC)', () => {
  it('ends after N days, N hours, on a date, or never', () => {
    expect(computeEndsAt({ kind: 'days', days: 30 }, start)?.toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(computeEndsAt({ kind: 'hours', hours: 36 }, start)?.toISOString()).toBe(
      '2026-03-02T22:00:00.000Z',
    );
    expect(
      computeEndsAt({ kind: 'date', date: new Date('2026-06-30T00:00:00Z') }, start)?.toISOString(),
    ).toBe('2026-06-30T00:00:00.000Z');
    expect(computeEndsAt({ kind: 'never' }, start)).toBeNull();
  });

  it('counts 30 days as 30 × 24 hours across a daylight-saving change (UTC has none)', () => {
    const beforeDst = new Date('2026-03-20T12:00:00Z');
    expect(computeEndsAt({ kind: 'days', days: 30 }, beforeDst)?.toISOString()).toBe(
      '2026-04-19T12:00:00.000Z',
    );
  });

  it('checks a requested timeline against the policy maximum', () => {
    const expiry = { kind: 'days', days: 30 } as const;
    expect(checkTimeline(expiry, start, null, null)).toBeNull();
    expect(checkTimeline(expiry, start, null, new Date('2026-03-20T00:00:00Z'))).toBeNull();
    expect(checkTimeline(expiry, start, null, new Date('2026-04-01T00:00:00Z'))).toBe('end_past_maximum');
    expect(checkTimeline(expiry, start, new Date('2026-02-01T00:00:00Z'), null)).toBe('start_in_past');
    expect(checkTimeline(expiry, start, null, new Date('2026-02-01T00:00:00Z'))).toBe('end_in_past');
    expect(
      checkTimeline(expiry, start, new Date('2026-03-10T00:00:00Z'), new Date('2026-03-05T00:00:00Z')),
    ).toBe('end_before_start');
    // A future start moves the maximum with it.
    expect(
      checkTimeline(expiry, start, new Date('2026-03-10T00:00:00Z'), new Date('2026-04-05T00:00:00Z')),
    ).toBeNull();
  });

  it('schedules reminders before the end and skips those already past', () => {
    const endsAt = new Date('2026-03-31T10:00:00Z');
    expect(reminderTimes(endsAt, [336, 24], start).map((r) => r.dueAt.toISOString())).toEqual([
      '2026-03-17T10:00:00.000Z',
      '2026-03-30T10:00:00.000Z',
    ]);
    expect(
      reminderTimes(endsAt, [336, 24], new Date('2026-03-20T00:00:00Z')).map((r) => r.offsetHours),
    ).toEqual([24]);
    expect(reminderTimes(null, [336, 24], start)).toEqual([]);
  });

  it('allows an extension only in the last part, under the count, when the policy allows it', () => {
    const settings = { allowed: true, requiresApproval: false, maxCount: 1, windowFraction: 0.5 };
    const assignment = { startsAt: start, endsAt: new Date('2026-03-31T10:00:00Z'), extensionCount: 0 };
    expect(extensionRefusal(settings, assignment, new Date('2026-03-10T00:00:00Z'))).toBe('too_early');
    expect(extensionRefusal(settings, assignment, new Date('2026-03-20T00:00:00Z'))).toBeNull();
    expect(
      extensionRefusal(settings, { ...assignment, extensionCount: 1 }, new Date('2026-03-20T00:00:00Z')),
    ).toBe('max_reached');
    expect(
      extensionRefusal({ ...settings, allowed: false }, assignment, new Date('2026-03-20T00:00:00Z')),
    ).toBe('not_allowed');
    expect(
      extensionRefusal(settings, { ...assignment, endsAt: null }, new Date('2026-03-20T00:00:00Z')),
    ).toBe('never_expires');
  });

  it('words durations for people', () => {
    expect(formatDuration({ kind: 'days', days: 30 })).toBe('30 days');
    expect(formatDuration({ kind: 'hours', hours: 1 })).toBe('1 hour');
    expect(formatDuration({ kind: 'never' })).toBe('no end date');
  });
});
