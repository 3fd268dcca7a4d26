import type { Expiry, ExtensionSettings } from './policy.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** When an assignment starting at `start` ends under `expiry`; null: it never ends. UTC throughout. */
export function computeEndsAt(expiry: Expiry, start: Date): Date | null {
  switch (expiry.kind) {
    case 'never':
      return null;
    case 'days':
      return new Date(start.getTime() + expiry.days * DAY_MS);
    case 'hours':
      return new Date(start.getTime() + expiry.hours * HOUR_MS);
    case 'date':
      return new Date(expiry.date.getTime());
  }
}

/** The latest end a requestor may ask for; a custom timeline must stay within it. */
export function maximumEnd(expiry: Expiry, start: Date): Date | null {
  return computeEndsAt(expiry, start);
}

export type TimelineProblem = 'start_in_past' | 'end_before_start' | 'end_past_maximum' | 'end_in_past';

/** Checks a requested start/end against the policy; `now` is the domain clock. */
export function checkTimeline(
  expiry: Expiry,
  now: Date,
  start: Date | null,
  end: Date | null,
): TimelineProblem | null {
  const effectiveStart = start ?? now;
  // A start a few minutes in the past is "now": the form was filled in a moment ago.
  if (start && start.getTime() < now.getTime() - 10 * 60_000) return 'start_in_past';
  if (end) {
    if (end.getTime() <= now.getTime()) return 'end_in_past';
    if (end.getTime() <= effectiveStart.getTime()) return 'end_before_start';
    const max = maximumEnd(expiry, effectiveStart);
    if (max && end.getTime() > max.getTime()) return 'end_past_maximum';
  }
  return null;
}

/** The instants at which expiry reminders fall, skipping those already past at `now`. */
export function reminderTimes(
  endsAt: Date | null,
  offsetsHours: readonly number[],
  now: Date,
): { offsetHours: number; dueAt: Date }[] {
  if (!endsAt) return [];
  return offsetsHours
    .map((offsetHours) => ({ offsetHours, dueAt: new Date(endsAt.getTime() - offsetHours * HOUR_MS) }))
    .filter((r) => r.dueAt.getTime() > now.getTime());
}

export type ExtensionRefusal = 'not_allowed' | 'never_expires' | 'max_reached' | 'too_early';

/** Whether an assignment may be extended now: allowed, under the count, within the last part. */
export function extensionRefusal(
  settings: ExtensionSettings,
  assignment: { startsAt: Date; endsAt: Date | null; extensionCount: number },
  now: Date,
): ExtensionRefusal | null {
  if (!settings.allowed) return 'not_allowed';
  if (!assignment.endsAt) return 'never_expires';
  if (assignment.extensionCount >= settings.maxCount) return 'max_reached';
  const span = assignment.endsAt.getTime() - assignment.startsAt.getTime();
  const opensAt = assignment.startsAt.getTime() + span * settings.windowFraction;
  if (now.getTime() < opensAt) return 'too_early';
  return null;
}

export function formatDuration(expiry: Expiry): string {
  switch (expiry.kind) {
    case 'never':
      return 'no end date';
    case 'days':
      return expiry.days === 1 ? '1 day' : `${expiry.days} days`;
    case 'hours':
      return expiry.hours === 1 ? '1 hour' : `${expiry.hours} hours`;
    case 'date':
      return `until ${expiry.date.toISOString().slice(0, 10)}`;
  }
}
