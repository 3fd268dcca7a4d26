import { z } from 'zod';
import { GatehouseError } from '../../domain/errors.js';
import { MAX_REVIEW_DAYS, reviewDeadline } from '../../domain/review.js';
import { requirePermission } from '../authz.js';
import { idSchema, slackUserIdSchema } from '../catalog/loaders.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { activeReviewOf, lockPackage } from './review-loaders.js';
import { formatInstant } from './review-wording.js';
import { openReview, type StartedReview } from './review-writer.js';

export type { StartedReview } from './review-writer.js';

/**
 * Access reviews (Entra's review of a package's assignments): started by an admin (here) or by a
 * policy's recurrence (recurring-reviews.ts), decided item by item (review-decisions.ts) by the
 * assignees themselves or by named reviewers, and applied at the deadline (apply-review.ts).
 */

export const DEFAULT_REVIEW_DAYS = 14;

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
