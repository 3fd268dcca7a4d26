/**
 * Access review rules: who may decide an item, what a reason must say, what is applied at the
 * deadline, and when a review is due (to start, to remind). Pure: the services bring the rows.
 */

export type ReviewerMode = 'self' | 'specific';
export type ReviewDecision = 'keep' | 'remove';
export type ReviewDefault = ReviewDecision | 'recommendation';

export const REVIEW_REASON_MAX_LENGTH = 1000;
const DAY_MS = 86_400_000;

export interface ReviewScope {
  reviewerMode: ReviewerMode;
  reviewerIds: readonly string[];
}

/** Self review: the assignee decides their own item; specific: every listed reviewer decides every item. */
export function mayDecide(review: ReviewScope, item: { userId: string }, deciderId: string): boolean {
  if (review.reviewerMode === 'self') return item.userId === deciderId;
  return review.reviewerIds.includes(deciderId);
}

/** Whom a review asks, with how many items each: assignees for self review, else each reviewer once. */
export function reviewRequests(
  review: ReviewScope,
  items: readonly { userId: string }[],
): { reviewerId: string; items: number }[] {
  if (items.length === 0) return [];
  if (review.reviewerMode === 'specific') {
    return [...new Set(review.reviewerIds)].map((reviewerId) => ({ reviewerId, items: items.length }));
  }
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.userId, (counts.get(item.userId) ?? 0) + 1);
  return [...counts].map(([reviewerId, n]) => ({ reviewerId, items: n }));
}

export type ReasonProblem = 'reason_required' | 'reason_too_long';

/** Removing someone's access needs a reason (they are told it); a reason is never longer than 1000. */
export function reasonProblem(
  decision: ReviewDecision,
  reason: string | null | undefined,
): ReasonProblem | null {
  const text = reason?.trim() ?? '';
  if (text.length > REVIEW_REASON_MAX_LENGTH) return 'reason_too_long';
  if (decision === 'remove' && text.length === 0) return 'reason_required';
  return null;
}

export type AppliedBasis = 'reviewer' | 'default' | 'no_recommendation_available';

export interface AppliedDecision {
  applied: ReviewDecision;
  basis: AppliedBasis;
}

/** What happens to an item at the deadline: the reviewer's decision, else the review's default. */
export function decisionAtDeadline(
  decided: ReviewDecision | null,
  defaultDecision: ReviewDefault,
): AppliedDecision {
  if (decided) return { applied: decided, basis: 'reviewer' };
  // Entra recommends from sign-in activity; Gatehouse has no such signal yet, so a
  // `recommendation` default keeps the access rather than guess.
  if (defaultDecision === 'recommendation') return { applied: 'keep', basis: 'no_recommendation_available' };
  return { applied: defaultDecision, basis: 'default' };
}

export type DeadlineProblem = 'deadline_not_in_future' | 'deadline_too_far';
export const MAX_REVIEW_DAYS = 60;

/** The deadline of a review started at `startsAt`, from a duration or a given instant. */
export function reviewDeadline(
  startsAt: Date,
  spec: { durationDays: number } | { deadline: Date },
): { deadline: Date } | { problem: DeadlineProblem } {
  const deadline =
    'durationDays' in spec ? new Date(startsAt.getTime() + spec.durationDays * DAY_MS) : spec.deadline;
  if (deadline.getTime() <= startsAt.getTime()) return { problem: 'deadline_not_in_future' };
  if (deadline.getTime() > startsAt.getTime() + MAX_REVIEW_DAYS * DAY_MS)
    return { problem: 'deadline_too_far' };
  return { deadline };
}

/** Reviewers are reminded once, when half the review's time has passed. */
export function reminderDueAt(review: { startsAt: Date; deadline: Date }): Date {
  const start = review.startsAt.getTime();
  return new Date(start + Math.floor((review.deadline.getTime() - start) / 2));
}

/** A recurring review starts when none of the package started within the last `recurrenceDays`. */
export function recurringReviewDue(lastStartedAt: Date | null, recurrenceDays: number, now: Date): boolean {
  if (!lastStartedAt) return true;
  return now.getTime() - lastStartedAt.getTime() >= recurrenceDays * DAY_MS;
}

export interface ReviewOutcomeCounts {
  kept: number;
  removed: number;
  /** Items nobody decided, settled by the review's default. */
  defaulted: number;
  /** Items whose assignment had already ended. */
  skipped: number;
}

export function countOutcomes(outcomes: readonly (AppliedDecision | 'skipped')[]): ReviewOutcomeCounts {
  const counts: ReviewOutcomeCounts = { kept: 0, removed: 0, defaulted: 0, skipped: 0 };
  for (const outcome of outcomes) {
    if (outcome === 'skipped') {
      counts.skipped += 1;
      continue;
    }
    if (outcome.applied === 'keep') counts.kept += 1;
    else counts.removed += 1;
    if (outcome.basis !== 'reviewer') counts.defaulted += 1;
  }
  return counts;
}
