import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/client.js';
import { GatehouseError } from '../../domain/errors.js';
import type { ReviewDecision, ReviewDefault, ReviewerMode } from '../../domain/review.js';
import type { AssignmentState } from '../../domain/states.js';
import { requireGlobalAdmin, requirePermission } from '../authz.js';
import { idSchema, slackUserIdSchema } from '../catalog/loaders.js';
import type { Actor, EngineDeps } from '../context.js';
import { ACTIVE_ASSIGNMENTS } from '../sql-lists.js';
import { auditingRefusals, inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';

const awaitingInput = z.object({ reviewerId: slackUserIdSchema });
const detailsInput = z.object({ reviewId: idSchema });

export interface AwaitingItem {
  assignmentId: number;
  userId: string;
  userName: string | null;
  /** The current decision (any reviewer's); it can still be changed until the deadline. */
  decision: ReviewDecision | null;
  reason: string | null;
  decidedBy: string | null;
}

export interface AwaitingReview {
  reviewId: number;
  packageId: number;
  packageName: string;
  reviewerMode: ReviewerMode;
  defaultDecision: ReviewDefault;
  deadline: Date;
  /** Items nobody has decided yet. */
  undecided: number;
  /** Every item this reviewer may decide whose access is still active, undecided first. */
  items: AwaitingItem[];
}

/**
 * What a person must review (`/access reviews`): running reviews where they decide at least one
 * item of access that is still active. A person asks about themselves; an admin about anyone.
 */
export async function reviewsAwaiting(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<AwaitingReview[]> {
  const { reviewerId } = parseInput(awaitingInput, input);
  if (actor.userId !== reviewerId) {
    await auditingRefusals(deps, () => requireGlobalAdmin(deps, actor, "see someone else's reviews"));
  }
  return inTransaction(deps, async (tx, now) => {
    const rows = await queryRows<{
      review_id: number;
      package_id: number;
      package_name: string;
      reviewer_mode: ReviewerMode;
      default_decision: ReviewDefault;
      deadline: Date | string;
      assignment_id: number;
      user_id: string;
      user_name: string | null;
      decision: ReviewDecision | null;
      reason: string | null;
      decided_by: string | null;
    }>(
      tx,
      sql`select r.id as review_id, r.package_id, p.name as package_name, r.reviewer_mode, r.default_decision,
                 r.deadline, d.assignment_id, d.user_id, u.name as user_name, d.decision, d.reason, d.decided_by
            from access_reviews r
            join access_packages p on p.id = r.package_id
            join review_decisions d on d.review_id = r.id
            join assignments a on a.id = d.assignment_id
            left join users u on u.id = d.user_id
           where r.state = 'active' and r.deadline > ${now}
             and a.state in ${ACTIVE_ASSIGNMENTS}
             and ((r.reviewer_mode = 'self' and d.user_id = ${reviewerId})
               or (r.reviewer_mode = 'specific' and ${reviewerId} = any(r.reviewer_ids)))
           order by r.deadline, r.id, (d.decision is not null), d.assignment_id`,
    );
    const reviews = new Map<number, AwaitingReview>();
    for (const row of rows) {
      const reviewId = Number(row.review_id);
      let review = reviews.get(reviewId);
      if (!review) {
        review = {
          reviewId,
          packageId: Number(row.package_id),
          packageName: row.package_name,
          reviewerMode: row.reviewer_mode,
          defaultDecision: row.default_decision,
          deadline: new Date(row.deadline),
          undecided: 0,
          items: [],
        };
        reviews.set(reviewId, review);
      }
      if (row.decision === null) review.undecided += 1;
      review.items.push({
        assignmentId: Number(row.assignment_id),
        userId: row.user_id,
        userName: row.user_name,
        decision: row.decision,
        reason: row.reason,
        decidedBy: row.decided_by,
      });
    }
    return [...reviews.values()];
  });
}

export interface ReviewItemDetails {
  assignmentId: number;
  userId: string;
  userName: string | null;
  assignmentState: AssignmentState;
  decision: ReviewDecision | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  appliedDecision: ReviewDecision | null;
  appliedAt: Date | null;
}

export interface ReviewDetails {
  id: number;
  packageId: number;
  packageName: string;
  catalogId: number;
  policyId: number | null;
  reviewerMode: ReviewerMode;
  reviewerIds: string[];
  defaultDecision: ReviewDefault;
  state: 'active' | 'completed' | 'canceled';
  startsAt: Date;
  deadline: Date;
  createdBy: string;
  completedAt: Date | null;
  /** Once applied, what was applied (skipped: the access had already ended); before, what is decided so far. */
  counts: { items: number; kept: number; removed: number; undecided: number; skipped: number };
  items: ReviewItemDetails[];
}

/** A review with every item and its decision, for those who can see the package's catalog. */
export async function reviewDetails(deps: EngineDeps, actor: Actor, input: unknown): Promise<ReviewDetails> {
  const { reviewId } = parseInput(detailsInput, input);
  return inTransaction(deps, async (tx) => {
    const [review] = await queryRows<{
      id: number;
      package_id: number;
      package_name: string;
      catalog_id: number;
      policy_id: number | null;
      reviewer_mode: ReviewerMode;
      reviewer_ids: string[];
      default_decision: ReviewDefault;
      state: ReviewDetails['state'];
      starts_at: Date | string;
      deadline: Date | string;
      created_by: string;
      completed_at: Date | string | null;
    }>(
      tx,
      sql`select r.id, r.package_id, p.name as package_name, p.catalog_id, r.policy_id, r.reviewer_mode,
                 r.reviewer_ids, r.default_decision, r.state, r.starts_at, r.deadline, r.created_by, r.completed_at
            from access_reviews r join access_packages p on p.id = r.package_id
           where r.id = ${reviewId}`,
    );
    if (!review)
      throw new GatehouseError('review.not_found', `There is no access review with id ${reviewId}.`);
    await requirePermission(tx, deps, actor, Number(review.catalog_id), 'catalog.read');
    const itemRows = await queryRows<{
      assignment_id: number;
      user_id: string;
      user_name: string | null;
      assignment_state: AssignmentState;
      decision: ReviewDecision | null;
      reason: string | null;
      decided_by: string | null;
      decided_at: Date | string | null;
      applied_decision: ReviewDecision | null;
      applied_at: Date | string | null;
    }>(
      tx,
      sql`select d.assignment_id, d.user_id, u.name as user_name, a.state as assignment_state, d.decision, d.reason,
                 d.decided_by, d.decided_at, d.applied_decision, d.applied_at
            from review_decisions d
            join assignments a on a.id = d.assignment_id
            left join users u on u.id = d.user_id
           where d.review_id = ${reviewId}
           order by d.assignment_id`,
    );
    const items = itemRows.map<ReviewItemDetails>((r) => ({
      assignmentId: Number(r.assignment_id),
      userId: r.user_id,
      userName: r.user_name,
      assignmentState: r.assignment_state,
      decision: r.decision,
      reason: r.reason,
      decidedBy: r.decided_by,
      decidedAt: dateOrNull(r.decided_at),
      appliedDecision: r.applied_decision,
      appliedAt: dateOrNull(r.applied_at),
    }));
    return {
      id: Number(review.id),
      packageId: Number(review.package_id),
      packageName: review.package_name,
      catalogId: Number(review.catalog_id),
      policyId: review.policy_id === null ? null : Number(review.policy_id),
      reviewerMode: review.reviewer_mode,
      reviewerIds: review.reviewer_ids,
      defaultDecision: review.default_decision,
      state: review.state,
      startsAt: new Date(review.starts_at),
      deadline: new Date(review.deadline),
      createdBy: review.created_by,
      completedAt: dateOrNull(review.completed_at),
      counts: countItems(items),
      items,
    };
  });
}

function countItems(items: readonly ReviewItemDetails[]): ReviewDetails['counts'] {
  const counts = { items: items.length, kept: 0, removed: 0, undecided: 0, skipped: 0 };
  for (const item of items) {
    const outcome = item.appliedAt ? (item.appliedDecision ?? 'skipped') : (item.decision ?? 'undecided');
    if (outcome === 'keep') counts.kept += 1;
    else if (outcome === 'remove') counts.removed += 1;
    else counts[outcome] += 1;
  }
  return counts;
}

function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
