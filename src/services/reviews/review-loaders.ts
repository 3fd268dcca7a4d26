import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { accessPackages, accessReviews } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import type { ReviewDefault, ReviewerMode } from '../../domain/review.js';
import type { ReviewState } from '../../domain/states.js';
import { ACTIVE_ASSIGNMENTS } from '../sql-lists.js';

/** Reads the review services share: a review with its package, the package, running reviews. */

export interface LoadedReview {
  id: number;
  packageId: number;
  packageName: string;
  catalogId: number;
  reviewerMode: ReviewerMode;
  reviewerIds: string[];
  defaultDecision: ReviewDefault;
  state: ReviewState;
  deadline: Date;
  completedAt: Date | null;
  createdBy: string;
}

/** The review with its package, its row locked (`share`: decisions side by side; `update`: alone). */
export async function loadReview(tx: Db, reviewId: number, lock: 'share' | 'update'): Promise<LoadedReview> {
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

export interface LockedPackage {
  id: number;
  name: string;
  catalogId: number;
}

/** The live package, locked: two reviews of one package never start side by side. */
export async function lockPackage(tx: Db, packageId: number): Promise<LockedPackage | null> {
  const [row] = await tx
    .select({ id: accessPackages.id, name: accessPackages.name, catalogId: accessPackages.catalogId })
    .from(accessPackages)
    .where(and(eq(accessPackages.id, packageId), isNull(accessPackages.deletedAt)))
    .for('update');
  return row ?? null;
}

export async function activeReviewOf(
  tx: Db,
  packageId: number,
): Promise<{ id: number; deadline: Date } | null> {
  const [row] = await tx
    .select({ id: accessReviews.id, deadline: accessReviews.deadline })
    .from(accessReviews)
    .where(and(eq(accessReviews.packageId, packageId), eq(accessReviews.state, 'active')))
    .limit(1);
  return row ?? null;
}

export async function isAssignmentActive(tx: Db, assignmentId: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`select id from assignments where id = ${assignmentId} and state in ${ACTIVE_ASSIGNMENTS}`,
  );
  return rows.length > 0;
}

/** A text[] from a raw query: an array from both drivers, but be tolerant of the `{a,b}` literal. */
export function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((v) => v.replace(/^"|"$/g, ''));
}
