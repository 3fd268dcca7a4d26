import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { accessReviews, policies } from '../../db/schema.js';
import { reviewSettingsSchema } from '../../domain/policy.js';
import { recurringReviewDue, reviewDeadline } from '../../domain/review.js';
import { type EngineDeps, SYSTEM } from '../context.js';
import { ACTIVE_ASSIGNMENTS } from '../sql-lists.js';
import { inTransaction } from '../tx.js';
import { activeReviewOf, lockPackage } from './review-loaders.js';
import { openReview, type StartedReview } from './review-writer.js';

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
    sql`select id from assignments where package_id = ${pkg.id} and state in ${ACTIVE_ASSIGNMENTS} limit 1`,
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
