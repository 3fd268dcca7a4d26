import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import {
  type AppliedDecision,
  countOutcomes,
  decisionAtDeadline,
  type ReviewDecision,
  type ReviewOutcomeCounts,
} from '../../domain/review.js';
import { type AssignmentState, isActiveAssignment } from '../../domain/states.js';
import { type Actor, type EngineDeps, SYSTEM } from '../context.js';
import { endAssignments } from '../lifecycle/assignment-writer.js';
import { deliverFulfilments } from '../lifecycle/delivery-runner.js';
import { sqlIntArray } from '../sql-lists.js';
import { inTransaction } from '../tx.js';
import { loadReview } from './review-loaders.js';
import { completeReview } from './review-writer.js';

export const REVIEW_APPLY_LEASE_MS = 5 * 60_000;
const APPLY_BATCH = 20;

export interface ApplyReport extends ReviewOutcomeCounts {
  reviews: number;
  revokesQueued: number;
}

/**
 * Applies every review whose deadline has passed. Each review is claimed (a lease in
 * claimed_until, rows another runner holds skipped) and then applied in its own short
 * transaction; the revokes it queued are delivered after that commits.
 */
export async function applyDueReviews(
  deps: EngineDeps,
  options: { limit?: number } = {},
): Promise<ApplyReport> {
  const limit = options.limit ?? APPLY_BATCH;
  const report: ApplyReport = { reviews: 0, kept: 0, removed: 0, defaulted: 0, skipped: 0, revokesQueued: 0 };
  for (;;) {
    const claimed = await inTransaction(deps, (tx, now) =>
      queryRows<{ id: number }>(
        tx,
        sql`with due as (
          select id from access_reviews
           where state = 'active' and deadline <= ${now} and (claimed_until is null or claimed_until < ${now})
           order by deadline, id limit ${limit} for update skip locked
        )
        update access_reviews r set claimed_until = ${new Date(now.getTime() + REVIEW_APPLY_LEASE_MS)}
          from due where r.id = due.id
        returning r.id`,
      ),
    );
    for (const { id } of claimed) {
      try {
        const applied = await inTransaction(deps, (tx, now) => applyReview(deps, tx, now, Number(id)));
        if (!applied) continue;
        report.reviews += 1;
        report.kept += applied.counts.kept;
        report.removed += applied.counts.removed;
        report.defaulted += applied.counts.defaulted;
        report.skipped += applied.counts.skipped;
        report.revokesQueued += applied.fulfilmentIds.length;
        await deliverFulfilments(deps, applied.fulfilmentIds);
      } catch (error) {
        // Its lease runs out and a later tick tries again; the other reviews go on.
        deps.log.error({ reviewId: id, err: error }, 'applying an access review failed');
      }
    }
    if (claimed.length < limit) return report;
  }
}

interface DueItem {
  assignment_id: number;
  user_id: string;
  decision: ReviewDecision | null;
  reason: string | null;
  decided_by: string | null;
  assignment_state: AssignmentState;
}

async function applyReview(
  deps: EngineDeps,
  tx: Db,
  now: Date,
  reviewId: number,
): Promise<{ counts: ReviewOutcomeCounts; fulfilmentIds: number[] } | null> {
  const review = await loadReview(tx, reviewId, 'update');
  if (review.state !== 'active' || review.deadline.getTime() > now.getTime()) return null;
  const items = await queryRows<DueItem>(
    tx,
    sql`select d.assignment_id, d.user_id, d.decision, d.reason, d.decided_by, a.state as assignment_state
          from review_decisions d join assignments a on a.id = d.assignment_id
         where d.review_id = ${review.id} and d.applied_at is null
         order by d.assignment_id
         for update of d`,
  );
  const outcomes = new Map<number, AppliedDecision | 'skipped'>();
  // Removals are ended together per (who decided, why), so each person's history says both.
  const removals = new Map<string, { actor: Actor; note: string; ids: number[] }>();
  for (const item of items) {
    const assignmentId = Number(item.assignment_id);
    if (!isActiveAssignment(item.assignment_state)) {
      outcomes.set(assignmentId, 'skipped');
      continue;
    }
    const outcome = decisionAtDeadline(item.decision, review.defaultDecision);
    outcomes.set(assignmentId, outcome);
    if (outcome.applied !== 'remove') continue;
    const byReviewer = outcome.basis === 'reviewer' && item.decided_by;
    const actor = byReviewer ? { userId: item.decided_by! } : SYSTEM;
    const note = byReviewer
      ? (item.reason ?? 'Removed in an access review.')
      : `Not reviewed by the deadline of the access review of ${review.packageName}; its default is to remove access.`;
    const key = JSON.stringify([actor.userId, note]);
    const group = removals.get(key) ?? { actor, note, ids: [] };
    group.ids.push(assignmentId);
    removals.set(key, group);
  }
  const fulfilmentIds: number[] = [];
  for (const group of removals.values()) {
    const result = await endAssignments(tx, now, group.actor, group.ids, 'review', group.note);
    fulfilmentIds.push(...result.fulfilmentIds);
    const ended = new Set(result.ended.map((e) => e.id));
    // Ended meanwhile by something else (expiry, an admin): nothing left to remove.
    for (const id of group.ids) if (!ended.has(id)) outcomes.set(id, 'skipped');
  }
  const byApplied: Record<'keep' | 'remove' | 'skipped', number[]> = { keep: [], remove: [], skipped: [] };
  for (const [id, outcome] of outcomes)
    byApplied[outcome === 'skipped' ? 'skipped' : outcome.applied].push(id);
  for (const [applied, ids] of Object.entries(byApplied)) {
    if (ids.length === 0) continue;
    await tx.execute(sql`update review_decisions
        set applied_decision = ${applied === 'skipped' ? null : applied}::review_decision_kind, applied_at = ${now}
      where review_id = ${review.id} and assignment_id = any(${sqlIntArray(ids)})`);
  }
  const counts = countOutcomes([...outcomes.values()]);
  const recommendationFallback =
    review.defaultDecision === 'recommendation' &&
    [...outcomes.values()].some((o) => o !== 'skipped' && o.basis === 'no_recommendation_available');
  await completeReview(tx, now, SYSTEM, review, {
    counts,
    removedAssignmentIds: byApplied.remove,
    recommendationFallback,
    // A review the system started has no creator to tell: the admins hear instead.
    recipients: review.createdBy === SYSTEM.userId ? deps.adminUserIds : [review.createdBy],
  });
  return { counts, fulfilmentIds };
}
