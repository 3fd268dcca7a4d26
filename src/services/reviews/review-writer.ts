import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { accessReviews } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { notification } from '../../domain/notifications.js';
import {
  type ReviewDefault,
  type ReviewerMode,
  type ReviewOutcomeCounts,
  reviewRequests,
} from '../../domain/review.js';
import { assertReviewTransition, type ReviewState } from '../../domain/states.js';
import { audit } from '../audit.js';
import type { Actor } from '../context.js';
import { notify } from '../notify.js';
import { ACTIVE_ASSIGNMENTS } from '../sql-lists.js';
import type { LoadedReview, LockedPackage } from './review-loaders.js';

/**
 * The only writer of an access review's state: it opens `active` with one item per active
 * assignment and asks its reviewers; it ends `completed` (applied at its deadline) or `canceled`.
 * Each move is checked against the domain's table and written with its audit row and DMs in
 * the caller's transaction.
 */

export interface ReviewSpec {
  policyId: number | null;
  reviewerMode: ReviewerMode;
  reviewerIds: string[];
  defaultDecision: ReviewDefault;
  deadline: Date;
}

export interface StartedReview {
  id: number;
  packageId: number;
  packageName: string;
  policyId: number | null;
  reviewerMode: ReviewerMode;
  reviewerIds: string[];
  defaultDecision: ReviewDefault;
  startsAt: Date;
  deadline: Date;
  items: number;
}

/** Inserts the review and one item per active assignment; the caller holds the package row lock. */
export async function openReview(
  tx: Db,
  now: Date,
  actor: Actor,
  pkg: LockedPackage,
  spec: ReviewSpec,
): Promise<StartedReview> {
  const [review] = await tx
    .insert(accessReviews)
    .values({
      packageId: pkg.id,
      policyId: spec.policyId,
      reviewerMode: spec.reviewerMode,
      reviewerIds: spec.reviewerIds,
      defaultDecision: spec.defaultDecision,
      state: 'active',
      startsAt: now,
      deadline: spec.deadline,
      createdBy: actor.userId,
      createdAt: now,
    })
    .returning({ id: accessReviews.id });
  const reviewId = review!.id;
  const items = await queryRows<{ assignment_id: number; user_id: string }>(
    tx,
    sql`insert into review_decisions (review_id, assignment_id, user_id)
        select ${reviewId}, a.id, a.user_id from assignments a
         where a.package_id = ${pkg.id} and a.state in ${ACTIVE_ASSIGNMENTS}
         order by a.id
        returning assignment_id, user_id`,
  );
  if (items.length === 0) {
    throw new GatehouseError(
      'review.nothing_to_review',
      `Nobody has ${pkg.name} right now, so there is nothing to review.`,
      { packageId: pkg.id },
    );
  }
  const deadline = spec.deadline.toISOString();
  await audit(tx, now, actor, {
    action: 'review.started',
    catalogId: pkg.catalogId,
    packageId: pkg.id,
    reviewId,
    data: {
      policyId: spec.policyId,
      reviewerMode: spec.reviewerMode,
      reviewerIds: spec.reviewerIds,
      defaultDecision: spec.defaultDecision,
      deadline,
      items: items.length,
    },
  });
  const assignmentOf = new Map(items.map((i) => [i.user_id, Number(i.assignment_id)]));
  const asked = reviewRequests(
    spec,
    items.map((i) => ({ userId: i.user_id })),
  );
  await notify(
    tx,
    now,
    ...asked.map((r) => {
      const assignmentId = assignmentOf.get(r.reviewerId);
      return notification('review_requested', r.reviewerId, {
        reviewId,
        packageId: pkg.id,
        packageName: pkg.name,
        reviewerMode: spec.reviewerMode,
        items: r.items,
        deadline,
        ...(spec.reviewerMode === 'self' && assignmentId !== undefined ? { assignmentId } : {}),
      });
    }),
  );
  return {
    id: reviewId,
    packageId: pkg.id,
    packageName: pkg.name,
    policyId: spec.policyId,
    reviewerMode: spec.reviewerMode,
    reviewerIds: spec.reviewerIds,
    defaultDecision: spec.defaultDecision,
    startsAt: now,
    deadline: spec.deadline,
    items: items.length,
  };
}

/** Moves a locked review from where it stands to `to`; a review that moved meanwhile fails. */
async function moveReview(
  tx: Db,
  now: Date,
  review: { id: number; state: ReviewState },
  to: 'completed' | 'canceled',
): Promise<void> {
  assertReviewTransition(review.state, to);
  const updated = await tx
    .update(accessReviews)
    .set({ state: to, completedAt: now, claimedUntil: null })
    .where(and(eq(accessReviews.id, review.id), eq(accessReviews.state, review.state)))
    .returning({ id: accessReviews.id });
  if (updated.length === 0) {
    throw new GatehouseError(
      'state.illegal_transition',
      'This access review changed meanwhile: look at it again.',
      {
        reviewId: review.id,
        to,
      },
    );
  }
}

/**
 * The review was applied: completed, audited with its counts, and the person who started it (the
 * admins, for a review the system started) told the outcome.
 */
export async function completeReview(
  tx: Db,
  now: Date,
  actor: Actor,
  review: LoadedReview,
  outcome: {
    counts: ReviewOutcomeCounts;
    removedAssignmentIds: number[];
    recommendationFallback: boolean;
    recipients: readonly string[];
  },
): Promise<void> {
  await moveReview(tx, now, review, 'completed');
  const basis = outcome.recommendationFallback
    ? { defaultBasis: 'no_recommendation_available' as const }
    : {};
  await audit(tx, now, actor, {
    action: 'review.completed',
    catalogId: review.catalogId,
    packageId: review.packageId,
    reviewId: review.id,
    data: {
      ...outcome.counts,
      defaultDecision: review.defaultDecision,
      removedAssignmentIds: outcome.removedAssignmentIds,
      ...basis,
    },
  });
  await notify(
    tx,
    now,
    ...outcome.recipients.map((recipient) =>
      notification('review_completed', recipient, {
        reviewId: review.id,
        packageId: review.packageId,
        packageName: review.packageName,
        ...outcome.counts,
        ...basis,
      }),
    ),
  );
}

/** Stops a running review: nothing is applied; the decisions so far stay for history. */
export async function cancelReview(
  tx: Db,
  now: Date,
  actor: Actor,
  review: LoadedReview,
  reason: string | null,
): Promise<void> {
  await moveReview(tx, now, review, 'canceled');
  await audit(tx, now, actor, {
    action: 'review.canceled',
    catalogId: review.catalogId,
    packageId: review.packageId,
    reviewId: review.id,
    data: { reason },
  });
}

/** A package that is deleted has nothing left to review: its running review is canceled. */
export async function cancelActiveReviewsOf(
  tx: Db,
  now: Date,
  actor: Actor,
  pkg: { id: number; catalogId: number },
  reason: string,
): Promise<number[]> {
  const running = await tx
    .select({ id: accessReviews.id, state: accessReviews.state })
    .from(accessReviews)
    .where(and(eq(accessReviews.packageId, pkg.id), eq(accessReviews.state, 'active')))
    .for('update');
  if (running.length === 0) return [];
  for (const review of running) assertReviewTransition(review.state, 'canceled');
  const ids = running.map((r) => r.id);
  await tx
    .update(accessReviews)
    .set({ state: 'canceled', completedAt: now, claimedUntil: null })
    .where(and(inArray(accessReviews.id, ids), eq(accessReviews.state, 'active')));
  await audit(
    tx,
    now,
    actor,
    ...ids.map((id) => ({
      action: 'review.canceled',
      catalogId: pkg.catalogId,
      packageId: pkg.id,
      reviewId: id,
      data: { reason },
    })),
  );
  return ids;
}
