import { describe, expect, it } from 'vitest';
import {
  countOutcomes,
  decisionAtDeadline,
  mayDecide,
  REVIEW_REASON_MAX_LENGTH,
  reasonProblem,
  recurringReviewDue,
  reminderDueAt,
  reviewDeadline,
  reviewRequests,
} from '../../src/domain/review.js';

const DAY = 86_400_000;
const start = new Date('2026-01-05T09:00:00Z');

describe('mayDecide', () => {
  it('self review: only the assignee decides, and only their own item', () => {
    const review = { reviewerMode: 'self' as const, reviewerIds: [] };
    expect(mayDecide(review, { userId: 'UA' }, 'UA')).toBe(true);
    expect(mayDecide(review, { userId: 'UA' }, 'UB')).toBe(false);
  });
  it('specific reviewers: every listed reviewer decides every item; nobody else does', () => {
    const review = { reviewerMode: 'specific' as const, reviewerIds: ['UR1', 'UR2'] };
    expect(mayDecide(review, { userId: 'UA' }, 'UR1')).toBe(true);
    expect(mayDecide(review, { userId: 'UB' }, 'UR2')).toBe(true);
    expect(mayDecide(review, { userId: 'UA' }, 'UA')).toBe(false);
  });
});

describe('reviewRequests', () => {
  it('self: each assignee once, about their own access', () => {
    expect(
      reviewRequests({ reviewerMode: 'self', reviewerIds: [] }, [{ userId: 'UA' }, { userId: 'UB' }]),
    ).toEqual([
      { reviewerId: 'UA', items: 1 },
      { reviewerId: 'UB', items: 1 },
    ]);
  });
  it('specific: each reviewer once with the number of items', () => {
    const items = [{ userId: 'UA' }, { userId: 'UB' }, { userId: 'UC' }];
    expect(reviewRequests({ reviewerMode: 'specific', reviewerIds: ['UR1', 'UR1', 'UR2'] }, items)).toEqual([
      { reviewerId: 'UR1', items: 3 },
      { reviewerId: 'UR2', items: 3 },
    ]);
  });
  it('nobody is asked when there is nothing to review', () => {
    expect(reviewRequests({ reviewerMode: 'specific', reviewerIds: ['UR1'] }, [])).toEqual([]);
  });
});

describe('reasonProblem', () => {
  it('requires a reason to remove, not to keep', () => {
    expect(reasonProblem('remove', undefined)).toBe('reason_required');
    expect(reasonProblem('remove', '   ')).toBe('reason_required');
    expect(reasonProblem('remove', 'left the team')).toBeNull();
    expect(reasonProblem('keep', undefined)).toBeNull();
  });
  it('refuses a reason over 1000 characters either way', () => {
    expect(reasonProblem('keep', 'x'.repeat(REVIEW_REASON_MAX_LENGTH))).toBeNull();
    expect(reasonProblem('keep', 'x'.repeat(REVIEW_REASON_MAX_LENGTH + 1))).toBe('reason_too_long');
    expect(reasonProblem('remove', 'x'.repeat(REVIEW_REASON_MAX_LENGTH + 1))).toBe('reason_too_long');
  });
});

describe('decisionAtDeadline', () => {
  it("applies the reviewer's decision whatever the default", () => {
    expect(decisionAtDeadline('remove', 'keep')).toEqual({ applied: 'remove', basis: 'reviewer' });
    expect(decisionAtDeadline('keep', 'remove')).toEqual({ applied: 'keep', basis: 'reviewer' });
  });
  it('applies the default to an undecided item', () => {
    expect(decisionAtDeadline(null, 'keep')).toEqual({ applied: 'keep', basis: 'default' });
    expect(decisionAtDeadline(null, 'remove')).toEqual({ applied: 'remove', basis: 'default' });
  });
  it('keeps access when the default is a recommendation Gatehouse cannot make', () => {
    expect(decisionAtDeadline(null, 'recommendation')).toEqual({
      applied: 'keep',
      basis: 'no_recommendation_available',
    });
  });
});

describe('reviewDeadline', () => {
  it('counts days from the start, or takes the given deadline', () => {
    expect(reviewDeadline(start, { durationDays: 14 })).toEqual({
      deadline: new Date(start.getTime() + 14 * DAY),
    });
    const at = new Date('2026-01-20T17:00:00Z');
    expect(reviewDeadline(start, { deadline: at })).toEqual({ deadline: at });
  });
  it('refuses a deadline in the past or more than 60 days away', () => {
    expect(reviewDeadline(start, { deadline: start })).toEqual({ problem: 'deadline_not_in_future' });
    expect(reviewDeadline(start, { deadline: new Date(start.getTime() + 61 * DAY) })).toEqual({
      problem: 'deadline_too_far',
    });
  });
});

describe('reminders and recurrence', () => {
  it('reminds at half the review time', () => {
    expect(reminderDueAt({ startsAt: start, deadline: new Date(start.getTime() + 14 * DAY) })).toEqual(
      new Date(start.getTime() + 7 * DAY),
    );
  });
  it('a recurring review is due with no earlier review, or once the recurrence has passed', () => {
    expect(recurringReviewDue(null, 30, start)).toBe(true);
    const last = new Date(start.getTime() - 29 * DAY);
    expect(recurringReviewDue(last, 30, start)).toBe(false);
    expect(recurringReviewDue(last, 30, new Date(start.getTime() + DAY))).toBe(true);
  });
});

describe('countOutcomes', () => {
  it('counts kept, removed, defaulted (any basis but a reviewer) and skipped', () => {
    expect(
      countOutcomes([
        { applied: 'keep', basis: 'reviewer' },
        { applied: 'remove', basis: 'reviewer' },
        { applied: 'remove', basis: 'default' },
        { applied: 'keep', basis: 'no_recommendation_available' },
        'skipped',
      ]),
    ).toEqual({ kept: 2, removed: 2, defaulted: 2, skipped: 1 });
  });
});
