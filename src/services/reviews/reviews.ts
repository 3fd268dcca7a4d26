import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, queryRows } from '../../db/client.js';
import { accessPackages, accessReviews, policies, reviewDecisions } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import type { Notification } from '../../domain/notifications.js';
import { reviewSettingsSchema } from '../../domain/policy.js';
import {
  type AppliedDecision,
  countOutcomes,
  decisionAtDeadline,
  MAX_REVIEW_DAYS,
  mayDecide,
  REVIEW_REASON_MAX_LENGTH,
  type ReviewDecision,
  type ReviewDefault,
  type ReviewerMode,
  type ReviewOutcomeCounts,
  reasonProblem,
  recurringReviewDue,
  reminderDueAt,
  reviewDeadline,
  reviewRequests,
} from '../../domain/review.js';
import { ACTIVE_ASSIGNMENT_STATES } from '../../domain/states.js';
import { audit } from '../audit.js';
import { requirePermission } from '../authz.js';
import { idSchema, slackUserIdSchema } from '../catalog/loaders.js';
import { type Actor, type EngineDeps, SYSTEM } from '../context.js';
import { deliverFulfilments } from '../lifecycle/delivery.js';
import { endAssignments } from '../lifecycle/lifecycle.js';
import { notify } from '../notify.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';

/**
 * Access reviews (Entra's review of a package's assignments): started by an admin or by a policy's
 * recurrence, decided item by item by the assignees themselves or by named reviewers, and applied
 * at the deadline by a job that ends every removed assignment and queues its revokes.
 */

export const DEFAULT_REVIEW_DAYS = 14;
export const REVIEW_APPLY_LEASE_MS = 5 * 60_000;
const APPLY_BATCH = 20;
const NOTIFY_CHUNK = 1000;
const ACTIVE = sql.raw(`(${ACTIVE_ASSIGNMENT_STATES.map((s) => `'${s}'`).join(',')})`);

const reasonSchema = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .trim()
    .max(REVIEW_REASON_MAX_LENGTH, `keep the reason to ${REVIEW_REASON_MAX_LENGTH} characters or fewer`)
    .optional(),
);

const startReviewInput = z
  .object({
    packageId: idSchema,
    reviewerMode: z.enum(['self', 'specific']),
    reviewerIds: z.array(slackUserIdSchema).max(25, 'name at most 25 reviewers').default([]),
    durationDays: z.coerce.number().int().min(1).max(MAX_REVIEW_DAYS).optional(),
    deadline: z.coerce.date().optional(),
    defaultDecision: z.enum(['keep', 'remove', 'recommendation']).default('keep'),
  })
  .refine((i) => i.reviewerMode === 'self' || i.reviewerIds.length > 0, {
    message: 'name at least one reviewer, or let people review their own access',
    path: ['reviewerIds'],
  })
  .refine((i) => i.durationDays === undefined || i.deadline === undefined, {
    message: 'give a duration or a deadline, not both',
    path: ['deadline'],
  });

const decideInput = z.object({
  reviewId: idSchema,
  assignmentId: idSchema,
  decision: z.enum(['keep', 'remove']),
  reason: reasonSchema,
});

const cancelInput = z.object({ reviewId: idSchema, reason: reasonSchema });

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

interface LockedPackage {
  id: number;
  name: string;
  catalogId: number;
}

/** An admin (or an assignment manager of the package's catalog) starts a review of a package's access. */
export async function startReview(deps: EngineDeps, actor: Actor, input: unknown): Promise<StartedReview> {
  const parsed = parseInput(startReviewInput, input);
  return inTransaction(deps, async (tx, now) => {
    const pkg = await lockPackage(tx, parsed.packageId);
    if (!pkg) {
      throw new GatehouseError(
        'package.not_found',
        `There is no access package with id ${parsed.packageId}.`,
      );
    }
    await requirePermission(tx, deps, actor, pkg.catalogId, 'assignment.manage');
    const running = await activeReviewOf(tx, pkg.id);
    if (running) {
      throw new GatehouseError(
        'review.already_running',
        `A review of ${pkg.name} is already running until ${formatInstant(running.deadline)}. Wait for it to end or cancel it first.`,
        { reviewId: running.id, packageId: pkg.id },
      );
    }
    const timing = reviewDeadline(
      now,
      parsed.deadline
        ? { deadline: parsed.deadline }
        : { durationDays: parsed.durationDays ?? DEFAULT_REVIEW_DAYS },
    );
    if ('problem' in timing) {
      throw new GatehouseError(
        'review.deadline_invalid',
        timing.problem === 'deadline_not_in_future'
          ? 'The review deadline must be in the future.'
          : `A review can run for at most ${MAX_REVIEW_DAYS} days: pick an earlier deadline.`,
        { problem: timing.problem },
      );
    }
    return openReview(tx, now, actor, pkg, {
      policyId: null,
      reviewerMode: parsed.reviewerMode,
      reviewerIds: parsed.reviewerMode === 'self' ? [] : [...new Set(parsed.reviewerIds)],
      defaultDecision: parsed.defaultDecision,
      deadline: timing.deadline,
    });
  });
}

interface ReviewSpec {
  policyId: number | null;
  reviewerMode: ReviewerMode;
  reviewerIds: string[];
  defaultDecision: ReviewDefault;
  deadline: Date;
}

/** Inserts the review and one item per active assignment; the caller holds the package row lock. */
async function openReview(
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
         where a.package_id = ${pkg.id} and a.state in ${ACTIVE}
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
  const requests = reviewRequests(
    spec,
    items.map((i) => ({ userId: i.user_id })),
  );
  await notifyInChunks(
    tx,
    now,
    requests.map((r) => ({
      kind: 'review_requested' as const,
      recipient: r.reviewerId,
      idempotencyKey: `review_requested:${reviewId}:${r.reviewerId}`,
      data: {
        reviewId,
        packageId: pkg.id,
        packageName: pkg.name,
        reviewerMode: spec.reviewerMode,
        items: r.items,
        deadline,
        ...(spec.reviewerMode === 'self' ? { assignmentId: assignmentOf.get(r.reviewerId) } : {}),
      },
    })),
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

export interface ItemDecision {
  reviewId: number;
  assignmentId: number;
  userId: string;
  decision: ReviewDecision;
  reason: string | null;
  /** The decision this one replaced, if the item had been decided before. */
  replaced: { decision: ReviewDecision; by: string | null } | null;
}

/**
 * A reviewer keeps or removes one person's access. Until the deadline a reviewer may change
 * their mind: the later decision replaces the earlier one, and both are in the audit trail.
 */
export async function decideReviewItem(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<ItemDecision> {
  const parsed = parseInput(decideInput, input);
  return inTransaction(deps, async (tx, now) => {
    // A share lock: reviewers decide side by side, but not while the review is applied or canceled.
    const review = await loadReview(tx, parsed.reviewId, 'share');
    refuseIfClosed(review, now);
    const [item] = await tx
      .select()
      .from(reviewDecisions)
      .where(
        and(eq(reviewDecisions.reviewId, review.id), eq(reviewDecisions.assignmentId, parsed.assignmentId)),
      )
      .for('update');
    if (!item) {
      throw new GatehouseError(
        'review.item_not_found',
        `That assignment isn't part of the review of ${review.packageName}.`,
        { reviewId: review.id, assignmentId: parsed.assignmentId },
      );
    }
    if (!mayDecide(review, item, actor.userId)) {
      throw new GatehouseError(
        'review.not_reviewer',
        review.reviewerMode === 'self'
          ? `Only <@${item.userId}> can review their own access to ${review.packageName}.`
          : `You aren't a reviewer of ${review.packageName}'s access review. Ask ${review.reviewerIds.map((id) => `<@${id}>`).join(', ')} to decide.`,
        { reviewId: review.id, assignmentId: item.assignmentId },
      );
    }
    const problem = reasonProblem(parsed.decision, parsed.reason);
    if (problem === 'reason_required') {
      throw new GatehouseError(
        'review.reason_required',
        `Give a reason to remove ${whose(item.userId, actor)} access to ${review.packageName}: it is shown to ${item.userId === actor.userId ? 'you' : 'them'} and kept in the audit trail.`,
        { reviewId: review.id, assignmentId: item.assignmentId },
      );
    }
    if (!(await assignmentIsActive(tx, item.assignmentId))) {
      throw new GatehouseError(
        'review.item_ended',
        `${capitalize(whose(item.userId, actor))} access to ${review.packageName} has already ended: there is nothing to decide.`,
        { reviewId: review.id, assignmentId: item.assignmentId },
      );
    }
    const reason = parsed.reason ?? null;
    await tx
      .update(reviewDecisions)
      .set({ decision: parsed.decision, reason, decidedBy: actor.userId, decidedAt: now })
      .where(
        and(eq(reviewDecisions.reviewId, review.id), eq(reviewDecisions.assignmentId, item.assignmentId)),
      );
    const replaced = item.decision ? { decision: item.decision, by: item.decidedBy } : null;
    await audit(tx, now, actor, {
      action: 'review.decided',
      catalogId: review.catalogId,
      packageId: review.packageId,
      reviewId: review.id,
      assignmentId: item.assignmentId,
      subjectUserId: item.userId,
      data: { decision: parsed.decision, reason, replaced },
    });
    return {
      reviewId: review.id,
      assignmentId: item.assignmentId,
      userId: item.userId,
      decision: parsed.decision,
      reason,
      replaced,
    };
  });
}

/** An assignment manager stops a running review: nothing is applied, decisions so far are kept for history. */
export async function cancelReview(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ reviewId: number; state: 'canceled' }> {
  const parsed = parseInput(cancelInput, input);
  return inTransaction(deps, async (tx, now) => {
    const review = await loadReview(tx, parsed.reviewId, 'update');
    await requirePermission(tx, deps, actor, review.catalogId, 'assignment.manage');
    if (review.state !== 'active') throw closedError(review, now);
    await tx
      .update(accessReviews)
      .set({ state: 'canceled', completedAt: now, claimedUntil: null })
      .where(eq(accessReviews.id, review.id));
    await audit(tx, now, actor, {
      action: 'review.canceled',
      catalogId: review.catalogId,
      packageId: review.packageId,
      reviewId: review.id,
      data: { reason: parsed.reason ?? null },
    });
    return { reviewId: review.id, state: 'canceled' as const };
  });
}

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
  assignment_state: string;
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
    if (!(ACTIVE_ASSIGNMENT_STATES as readonly string[]).includes(item.assignment_state)) {
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
      where review_id = ${review.id} and assignment_id = any(${`{${ids.join(',')}}`}::int[])`);
  }
  await tx
    .update(accessReviews)
    .set({ state: 'completed', completedAt: now, claimedUntil: null })
    .where(eq(accessReviews.id, review.id));
  const counts = countOutcomes([...outcomes.values()]);
  const recommendationFallback =
    review.defaultDecision === 'recommendation' &&
    [...outcomes.values()].some((o) => o !== 'skipped' && o.basis === 'no_recommendation_available');
  await audit(tx, now, SYSTEM, {
    action: 'review.completed',
    catalogId: review.catalogId,
    packageId: review.packageId,
    reviewId: review.id,
    data: {
      ...counts,
      defaultDecision: review.defaultDecision,
      removedAssignmentIds: byApplied.remove,
      ...(recommendationFallback ? { defaultBasis: 'no_recommendation_available' } : {}),
    },
  });
  // A review the system started has no creator to tell: the admins hear instead.
  const recipients = review.createdBy === SYSTEM.userId ? deps.adminUserIds : [review.createdBy];
  await notify(
    tx,
    now,
    ...recipients.map((recipient) => ({
      kind: 'review_completed' as const,
      recipient,
      idempotencyKey: `review_completed:${review.id}:${recipient}`,
      data: {
        reviewId: review.id,
        packageId: review.packageId,
        packageName: review.packageName,
        ...counts,
        ...(recommendationFallback ? { defaultBasis: 'no_recommendation_available' } : {}),
      },
    })),
  );
  return { counts, fulfilmentIds };
}

export interface RecurringReport {
  started: number[];
}

/**
 * Starts the reviews policies ask for: a policy with review settings gets a review of its package
 * (reviewers from the settings, acting as SYSTEM) when the package has active assignments, no
 * running review, and none started within the recurrence. The policy row is taken with SKIP
 * LOCKED and the package row locked, so two runners never start two reviews of one package.
 */
export async function startRecurringReviews(deps: EngineDeps): Promise<RecurringReport> {
  const candidates = await inTransaction(deps, (tx) =>
    queryRows<{ id: number }>(
      tx,
      sql`select p.id from policies p join access_packages ap on ap.id = p.package_id
           where p.deleted_at is null and ap.deleted_at is null and jsonb_typeof(p.review) = 'object'
           order by p.id`,
    ),
  );
  const report: RecurringReport = { started: [] };
  for (const { id } of candidates) {
    try {
      const started = await inTransaction(deps, (tx, now) => startRecurringReview(deps, tx, now, Number(id)));
      if (started) report.started.push(started.id);
    } catch (error) {
      deps.log.error({ policyId: id, err: error }, 'starting a recurring access review failed');
    }
  }
  return report;
}

async function startRecurringReview(
  deps: EngineDeps,
  tx: Db,
  now: Date,
  policyId: number,
): Promise<StartedReview | null> {
  const [policy] = await tx
    .select({ id: policies.id, packageId: policies.packageId, review: policies.review })
    .from(policies)
    .where(and(eq(policies.id, policyId), isNull(policies.deletedAt)))
    .for('update', { skipLocked: true });
  if (!policy) return null;
  const settings = reviewSettingsSchema.safeParse(policy.review);
  if (!settings.success) {
    deps.log.warn(
      { policyId, issues: settings.error.issues },
      'policy review settings are invalid; no review started',
    );
    return null;
  }
  const { recurrenceDays, durationDays, reviewerMode, reviewerIds, defaultDecision } = settings.data;
  if (reviewerMode === 'specific' && reviewerIds.length === 0) {
    deps.log.warn({ policyId }, 'policy asks for specific reviewers but names none; no review started');
    return null;
  }
  const pkg = await lockPackage(tx, policy.packageId);
  if (!pkg || (await activeReviewOf(tx, pkg.id))) return null;
  const [last] = await tx
    .select({ startsAt: accessReviews.startsAt })
    .from(accessReviews)
    .where(eq(accessReviews.packageId, pkg.id))
    .orderBy(desc(accessReviews.startsAt))
    .limit(1);
  if (!recurringReviewDue(last?.startsAt ?? null, recurrenceDays, now)) return null;
  const [anyActive] = await queryRows<{ id: number }>(
    tx,
    sql`select id from assignments where package_id = ${pkg.id} and state in ${ACTIVE} limit 1`,
  );
  if (!anyActive) return null;
  const timing = reviewDeadline(now, { durationDays });
  if ('problem' in timing) return null;
  return openReview(tx, now, SYSTEM, pkg, {
    policyId: policy.id,
    reviewerMode,
    reviewerIds: reviewerMode === 'self' ? [] : [...new Set(reviewerIds)],
    defaultDecision,
    deadline: timing.deadline,
  });
}

/**
 * Once per review, when half its time has passed, reviewers who still have undecided items are
 * reminded. `reminded_at` marks the review (the row is locked while it is set); the `:reminder`
 * idempotency key keeps each reviewer's reminder single all the same.
 */
export async function remindReviewers(deps: EngineDeps): Promise<{ reviews: number; reminders: number }> {
  return inTransaction(deps, async (tx, now) => {
    const rows = await queryRows<{
      id: number;
      package_id: number;
      catalog_id: number;
      package_name: string;
      reviewer_mode: ReviewerMode;
      reviewer_ids: string[];
      starts_at: Date | string;
      deadline: Date | string;
    }>(
      tx,
      sql`select r.id, r.package_id, p.catalog_id, p.name as package_name, r.reviewer_mode, r.reviewer_ids,
                 r.starts_at, r.deadline
            from access_reviews r join access_packages p on p.id = r.package_id
           where r.state = 'active' and r.deadline > ${now} and r.reminded_at is null
           order by r.id
           for update of r skip locked`,
    );
    let reviews = 0;
    let reminders = 0;
    for (const row of rows) {
      const startsAt = new Date(row.starts_at);
      const deadline = new Date(row.deadline);
      if (reminderDueAt({ startsAt, deadline }).getTime() > now.getTime()) continue;
      const open = await queryRows<{ user_id: string }>(
        tx,
        sql`select d.user_id from review_decisions d join assignments a on a.id = d.assignment_id
             where d.review_id = ${row.id} and d.decision is null and a.state in ${ACTIVE}`,
      );
      const scope = { reviewerMode: row.reviewer_mode, reviewerIds: parseTextArray(row.reviewer_ids) };
      const requests = reviewRequests(
        scope,
        open.map((o) => ({ userId: o.user_id })),
      );
      await notifyInChunks(
        tx,
        now,
        requests.map((r) => ({
          kind: 'review_requested' as const,
          recipient: r.reviewerId,
          idempotencyKey: `review_requested:${row.id}:${r.reviewerId}:reminder`,
          data: {
            reviewId: Number(row.id),
            packageId: Number(row.package_id),
            packageName: row.package_name,
            reviewerMode: row.reviewer_mode,
            items: r.items,
            deadline: deadline.toISOString(),
            reminder: true,
          },
        })),
      );
      await tx.execute(sql`update access_reviews set reminded_at = ${now} where id = ${row.id}`);
      await audit(tx, now, SYSTEM, {
        action: 'review.reminded',
        catalogId: Number(row.catalog_id),
        packageId: Number(row.package_id),
        reviewId: Number(row.id),
        data: { reviewers: requests.length, undecided: open.length },
      });
      reviews += 1;
      reminders += requests.length;
    }
    return { reviews, reminders };
  });
}

interface LoadedReview {
  id: number;
  packageId: number;
  packageName: string;
  catalogId: number;
  reviewerMode: ReviewerMode;
  reviewerIds: string[];
  defaultDecision: ReviewDefault;
  state: 'active' | 'completed' | 'canceled';
  deadline: Date;
  completedAt: Date | null;
  createdBy: string;
}

async function loadReview(tx: Db, reviewId: number, lock: 'share' | 'update'): Promise<LoadedReview> {
  const [row] = await tx
    .select({
      id: accessReviews.id,
      packageId: accessReviews.packageId,
      packageName: accessPackages.name,
      catalogId: accessPackages.catalogId,
      reviewerMode: accessReviews.reviewerMode,
      reviewerIds: accessReviews.reviewerIds,
      defaultDecision: accessReviews.defaultDecision,
      state: accessReviews.state,
      deadline: accessReviews.deadline,
      completedAt: accessReviews.completedAt,
      createdBy: accessReviews.createdBy,
    })
    .from(accessReviews)
    .innerJoin(accessPackages, eq(accessPackages.id, accessReviews.packageId))
    .where(eq(accessReviews.id, reviewId))
    .for(lock, { of: accessReviews });
  if (!row) throw new GatehouseError('review.not_found', `There is no access review with id ${reviewId}.`);
  return row;
}

function refuseIfClosed(review: LoadedReview, now: Date): void {
  if (review.state !== 'active' || review.deadline.getTime() <= now.getTime()) throw closedError(review, now);
}

function closedError(review: LoadedReview, now: Date): GatehouseError {
  const when =
    review.state === 'canceled'
      ? 'was canceled'
      : `closed on ${formatInstant(review.state === 'completed' && review.completedAt ? review.completedAt : review.deadline)}`;
  return new GatehouseError(
    'review.closed',
    `The review of ${review.packageName} ${when}: its decisions can no longer be changed.`,
    { reviewId: review.id, state: review.state, deadlinePassed: review.deadline.getTime() <= now.getTime() },
  );
}

async function lockPackage(tx: Db, packageId: number): Promise<LockedPackage | null> {
  const [row] = await tx
    .select({ id: accessPackages.id, name: accessPackages.name, catalogId: accessPackages.catalogId })
    .from(accessPackages)
    .where(and(eq(accessPackages.id, packageId), isNull(accessPackages.deletedAt)))
    .for('update');
  return row ?? null;
}

async function activeReviewOf(tx: Db, packageId: number): Promise<{ id: number; deadline: Date } | null> {
  const [row] = await tx
    .select({ id: accessReviews.id, deadline: accessReviews.deadline })
    .from(accessReviews)
    .where(and(eq(accessReviews.packageId, packageId), eq(accessReviews.state, 'active')))
    .limit(1);
  return row ?? null;
}

async function assignmentIsActive(tx: Db, assignmentId: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`select id from assignments where id = ${assignmentId} and state in ${ACTIVE}`,
  );
  return rows.length > 0;
}

async function notifyInChunks(tx: Db, now: Date, notifications: Notification[]): Promise<void> {
  for (let i = 0; i < notifications.length; i += NOTIFY_CHUNK) {
    await notify(tx, now, ...notifications.slice(i, i + NOTIFY_CHUNK));
  }
}

/** A text[] from a raw query: an array from both drivers, but be tolerant of the `{a,b}` literal. */
function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((v) => v.replace(/^"|"$/g, ''));
}

function whose(userId: string, actor: Actor): string {
  return userId === actor.userId ? 'your' : `<@${userId}>'s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatInstant(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
