import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessReviews, auditLog, catalogRoleHolders, reviewDecisions } from '../../src/db/schema.js';
import type { ErrorCode } from '../../src/domain/errors.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { endAssignments } from '../../src/services/lifecycle/assignment-writer.js';
import { applyDueReviews } from '../../src/services/reviews/apply-review.js';
import { cancelReview } from '../../src/services/reviews/cancel-review.js';
import { startRecurringReviews } from '../../src/services/reviews/recurring-reviews.js';
import { decideReviewItem } from '../../src/services/reviews/review-decisions.js';
import { reviewDetails, reviewsAwaiting } from '../../src/services/reviews/review-queries.js';
import { remindReviewers } from '../../src/services/reviews/review-reminders.js';
import { startReview } from '../../src/services/reviews/start-review.js';
import { inTransaction } from '../../src/services/tx.js';
import { deliveredAssignment } from '../support/assignments.js';
import { type MadePackage, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, useTestEngine } from '../support/engine.js';
import { insertUser, outboxFor } from '../support/fixtures.js';
import { auditRowsFor, expectForbidden, expectRefusal } from '../support/refusals.js';
import { stored } from '../support/request-fixtures.js';

const DAY_S = 86_400;

describe(`access reviews (${databaseLabel})`, () => {
  const t = useTestEngine({ poolSize: 6 });

  const db = () => t.database.db;

  /** A package whose `count` fresh users hold it, delivered. */
  async function heldPackage(count: number, policy: PolicySettingsInput = {}) {
    const pkg = await makePackage(t.deps, { policy });
    const users: string[] = [];
    const assignmentIds: number[] = [];
    for (let i = 0; i < count; i++) {
      const user = await insertUser(db());
      users.push(user);
      assignmentIds.push(await assign(pkg, user));
    }
    return { pkg, users, assignmentIds };
  }

  const assign = (pkg: MadePackage, userId: string) => deliveredAssignment(t.deps, pkg, userId);

  async function grantRole(catalogId: number, role: 'reader' | 'assignment_manager'): Promise<string> {
    const user = await insertUser(db());
    await db().insert(catalogRoleHolders).values({ catalogId, userId: user, role, grantedBy: ADMIN.userId });
    return user;
  }

  /** `who` decides the review's item for one assignment, as the review DM's buttons would. */
  function decide(
    reviewId: number,
    assignmentId: number,
    who: string,
    decision: 'keep' | 'remove',
    reason?: string,
  ) {
    return decideReviewItem(
      t.deps,
      { userId: who },
      { reviewId, assignmentId, decision, ...(reason === undefined ? {} : { reason }) },
    );
  }

  async function dms(recipient: string, kind: string) {
    return (await outboxFor(db(), recipient)).filter((row) => row.kind === kind);
  }

  async function reviewRow(id: number) {
    const [row] = await db().select().from(accessReviews).where(eq(accessReviews.id, id));
    return row!;
  }

  async function itemRow(reviewId: number, assignmentId: number) {
    const [row] = await db()
      .select()
      .from(reviewDecisions)
      .where(and(eq(reviewDecisions.reviewId, reviewId), eq(reviewDecisions.assignmentId, assignmentId)));
    return row!;
  }

  const assignmentRow = (id: number) => stored.assignment(db(), id);

  /** The admin starts a review of `pkg`: who reviews, for how long, what an undecided item becomes. */
  const startReviewOf = (pkg: MadePackage, settings: Record<string, unknown>) =>
    startReview(t.deps, ADMIN, { packageId: pkg.packageId, ...settings });

  describe('starting a review', () => {
    it('self review: one item per active assignment, each assignee asked about their own access', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(2);
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 7,
        defaultDecision: 'keep',
      });
      expect(review).toMatchObject({
        packageId: pkg.packageId,
        reviewerMode: 'self',
        items: 2,
        reviewerIds: [],
      });
      expect(review.deadline.getTime() - t.clock.now().getTime()).toBe(7 * DAY_S * 1000);
      const items = await db().select().from(reviewDecisions).where(eq(reviewDecisions.reviewId, review.id));
      expect(items.map((i) => i.assignmentId).sort()).toEqual([...assignmentIds].sort());
      expect(items.every((i) => i.decision === null && i.appliedAt === null)).toBe(true);
      for (const [index, user] of users.entries()) {
        const asked = await dms(user, 'review_requested');
        expect(asked).toHaveLength(1);
        expect(asked[0]!.data).toMatchObject({
          reviewId: review.id,
          items: 1,
          assignmentId: assignmentIds[index],
        });
      }
      const started = await auditRowsFor(db(), 'review.started', { packageId: pkg.packageId });
      expect(started).toHaveLength(1);
      expect(started[0]).toMatchObject({ actorId: ADMIN.userId, reviewId: review.id });
    });

    it('specific reviewers: each reviewer asked once with the count; assignees are not asked', async () => {
      const { pkg, users } = await heldPackage(3);
      const r1 = await insertUser(db());
      const r2 = await insertUser(db());
      const review = await startReviewOf(pkg, {
        reviewerMode: 'specific',
        reviewerIds: [r1, r2, r1],
        defaultDecision: 'remove',
      });
      expect(review.reviewerIds).toEqual([r1, r2]);
      // No duration or deadline given: two weeks.
      expect(review.deadline.getTime() - review.startsAt.getTime()).toBe(14 * DAY_S * 1000);
      for (const reviewer of [r1, r2]) {
        const asked = await dms(reviewer, 'review_requested');
        expect(asked).toHaveLength(1);
        expect(asked[0]!.data).toMatchObject({ reviewId: review.id, items: 3, packageName: pkg.name });
      }
      for (const user of users) expect(await dms(user, 'review_requested')).toEqual([]);
    });

    it("an assignment manager of the package's catalog may start one", async () => {
      const { pkg } = await heldPackage(1);
      const manager = await grantRole(pkg.catalogId, 'assignment_manager');
      const review = await startReview(
        t.deps,
        { userId: manager },
        { packageId: pkg.packageId, reviewerMode: 'self' },
      );
      expect((await reviewRow(review.id)).createdBy).toBe(manager);
    });

    it('a reader or an outsider is refused and nothing changes', async () => {
      const { pkg } = await heldPackage(1);
      const reader = await grantRole(pkg.catalogId, 'reader');
      const outsider = await insertUser(db());
      for (const who of [reader, outsider]) {
        await expectForbidden(
          db(),
          () => startReview(t.deps, { userId: who }, { packageId: pkg.packageId, reviewerMode: 'self' }),
          /manage assignments/,
        );
      }
    });

    it('refuses an empty review and a second running review of the same package', async () => {
      const empty = await makePackage(t.deps);
      await expectRefusal(
        db(),
        () => startReviewOf(empty, { reviewerMode: 'self' }),
        'review.nothing_to_review',
        new RegExp(`Nobody has ${empty.name}`),
      );
      const { pkg } = await heldPackage(1);
      await startReviewOf(pkg, { reviewerMode: 'self' });
      await expectRefusal(
        db(),
        () => startReviewOf(pkg, { reviewerMode: 'self' }),
        'review.already_running',
        /already running until .* UTC/,
      );
    });

    it('refuses specific reviews without reviewers and deadlines that are past or too far', async () => {
      const { pkg } = await heldPackage(1);
      await expectRefusal(
        db(),
        () => startReviewOf(pkg, { reviewerMode: 'specific' }),
        'input.invalid',
        /reviewerIds: name at least one reviewer/,
      );
      await expectRefusal(
        db(),
        () =>
          startReviewOf(pkg, {
            reviewerMode: 'self',
            deadline: new Date(t.clock.now().getTime() - 1000).toISOString(),
          }),
        'review.deadline_invalid',
        /must be in the future/,
      );
      await expectRefusal(
        db(),
        () =>
          startReviewOf(pkg, {
            reviewerMode: 'self',
            deadline: new Date(t.clock.now().getTime() + 61 * DAY_S * 1000),
          }),
        'review.deadline_invalid',
        /at most 60 days/,
      );
    });
  });

  describe('deciding', () => {
    it('keep, remove with a reason, and a later decision replacing an earlier one (audited both times)', async () => {
      const { pkg, assignmentIds } = await heldPackage(2);
      const reviewer = await insertUser(db());
      const review = await startReviewOf(pkg, {
        reviewerMode: 'specific',
        reviewerIds: [reviewer],
      });
      const [a1, a2] = assignmentIds as [number, number];
      const kept = await decide(review.id, a1, reviewer, 'keep');
      expect(kept).toMatchObject({ decision: 'keep', replaced: null, reason: null });

      t.clock.advanceSeconds(3600);
      const changed = await decide(review.id, a1, reviewer, 'remove', '  moved to another team  ');
      expect(changed.replaced).toEqual({ decision: 'keep', by: reviewer });
      const row = await itemRow(review.id, a1);
      expect(row).toMatchObject({ decision: 'remove', reason: 'moved to another team', decidedBy: reviewer });
      expect(row.decidedAt).toEqual(t.clock.now());
      expect((await itemRow(review.id, a2)).decision).toBeNull();

      const decided = await auditRowsFor(db(), 'review.decided', { packageId: pkg.packageId });
      expect(decided.map((d) => d.data)).toEqual([
        { decision: 'keep', reason: null, replaced: null },
        { decision: 'remove', reason: 'moved to another team', replaced: { decision: 'keep', by: reviewer } },
      ]);
      expect(decided.every((d) => d.reviewId === review.id && d.actorId === reviewer)).toBe(true);
    });

    it('refuses non-reviewers, removal without a reason, items outside the review, and decisions after the deadline', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(2);
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 3,
      });
      const [alice, bob] = users as [string, string];
      const [aliceItem] = assignmentIds as [number, number];
      const other = await heldPackage(1);
      /** Alice's item of this review, decided by `who`, with `change` to the decision. */
      const aliceItemBy =
        (who: string, change: Record<string, unknown> = {}) =>
        () =>
          decideReviewItem(
            t.deps,
            { userId: who },
            { reviewId: review.id, assignmentId: aliceItem, decision: 'keep', ...change },
          );
      const refusals: [who: string, change: Record<string, unknown>, code: ErrorCode, message?: RegExp][] = [
        // In a self review nobody else decides, an admin included.
        [bob, {}, 'review.not_reviewer', new RegExp(`Only @${alice} can review their own access`)],
        [ADMIN.userId, {}, 'review.not_reviewer', new RegExp(`Only @${alice} can review their own access`)],
        [
          alice,
          { decision: 'remove', reason: '   ' },
          'review.reason_required',
          /Give a reason to remove your access/,
        ],
        [alice, { decision: 'remove', reason: 'x'.repeat(1001) }, 'input.invalid', /1000 characters/],
        [alice, { assignmentId: other.assignmentIds[0] }, 'review.item_not_found'],
        [alice, { reviewId: 999_999 }, 'review.not_found'],
      ];
      for (const [who, change, code, message] of refusals) {
        await expectRefusal(db(), aliceItemBy(who, change), code, message);
      }

      t.clock.advanceDays(3);
      await expectRefusal(db(), aliceItemBy(alice), 'review.closed', /closed on .* UTC/);
    });
  });

  describe('applying at the deadline', () => {
    it("applies reviewers' decisions and the keep default: the removed lose access, the kept keep it", async () => {
      const { pkg, users, assignmentIds } = await heldPackage(3);
      const reviewer = await insertUser(db());
      const review = await startReviewOf(pkg, {
        reviewerMode: 'specific',
        reviewerIds: [reviewer],
        durationDays: 5,
        defaultDecision: 'keep',
      });
      const [removed, kept, undecided] = assignmentIds as [number, number, number];
      const [removedUser, keptUser, undecidedUser] = users as [string, string, string];
      await decide(review.id, removed, reviewer, 'remove', 'no longer on the campaign');
      await decide(review.id, kept, reviewer, 'keep');

      // Not due yet: nothing happens.
      t.clock.advanceDays(4);
      await applyDueReviews(t.deps);
      expect((await reviewRow(review.id)).state).toBe('active');

      t.clock.advanceDays(1);
      const report = await applyDueReviews(t.deps);
      expect(report.reviews).toBeGreaterThanOrEqual(1);
      expect(t.connector.has(pkg.resource.externalId, removedUser)).toBe(false);
      expect(t.connector.has(pkg.resource.externalId, keptUser)).toBe(true);
      expect(t.connector.has(pkg.resource.externalId, undecidedUser)).toBe(true);

      expect(await assignmentRow(removed)).toMatchObject({
        state: 'removed',
        endReason: 'review',
        endedBy: reviewer,
      });
      expect((await assignmentRow(kept)).state).toBe('delivered');
      expect((await assignmentRow(undecided)).state).toBe('delivered');
      expect(await itemRow(review.id, removed)).toMatchObject({
        appliedDecision: 'remove',
        appliedAt: t.clock.now(),
      });
      expect(await itemRow(review.id, kept)).toMatchObject({ appliedDecision: 'keep' });
      expect(await itemRow(review.id, undecided)).toMatchObject({ decision: null, appliedDecision: 'keep' });
      expect(await reviewRow(review.id)).toMatchObject({ state: 'completed', completedAt: t.clock.now() });

      const ended = await dms(removedUser, 'access_ended');
      expect(ended).toHaveLength(1);
      expect(ended[0]!.data).toMatchObject({ reason: 'review', note: 'no longer on the campaign' });
      const told = (await dms(ADMIN.userId, 'review_completed')).filter((d) => d.data.reviewId === review.id);
      expect(told).toHaveLength(1);
      expect(told[0]!.data).toMatchObject({ kept: 2, removed: 1, defaulted: 1, skipped: 0 });
      const [completed] = await auditRowsFor(db(), 'review.completed', { packageId: pkg.packageId });
      expect(completed!.data).toMatchObject({
        kept: 2,
        removed: 1,
        defaulted: 1,
        removedAssignmentIds: [removed],
      });

      // Applying again does nothing.
      const calls = t.connector.calls.length;
      expect(await applyDueReviews(t.deps)).toMatchObject({ reviews: 0, removed: 0 });
      expect(t.connector.calls.length).toBe(calls);
      expect(await auditRowsFor(db(), 'review.completed', { packageId: pkg.packageId })).toHaveLength(1);
    });

    it('the remove default removes undecided access; an assignment that ended during the review is skipped', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(3);
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 2,
        defaultDecision: 'remove',
      });
      const [keeper, silent, gone] = assignmentIds as [number, number, number];
      const [keeperUser, silentUser] = users as [string, string, string];
      await decide(review.id, keeper, keeperUser, 'keep');
      await inTransaction(t.deps, (tx, now) => endAssignments(tx, now, ADMIN, [gone], 'removed_by_admin'));

      t.clock.advanceDays(2);
      await applyDueReviews(t.deps);
      expect(t.connector.has(pkg.resource.externalId, keeperUser)).toBe(true);
      expect(t.connector.has(pkg.resource.externalId, silentUser)).toBe(false);
      expect(await assignmentRow(silent)).toMatchObject({
        state: 'removed',
        endReason: 'review',
        endedBy: 'system',
      });
      expect(await assignmentRow(gone)).toMatchObject({ endReason: 'removed_by_admin' });
      expect(await itemRow(review.id, silent)).toMatchObject({ decision: null, appliedDecision: 'remove' });
      expect(await itemRow(review.id, gone)).toMatchObject({
        appliedDecision: null,
        appliedAt: t.clock.now(),
      });
      const note = (await dms(silentUser, 'access_ended'))[0]!.data.note;
      expect(note).toMatch(/Not reviewed by the deadline/);
      const [completed] = await auditRowsFor(db(), 'review.completed', { packageId: pkg.packageId });
      expect(completed!.data).toMatchObject({ kept: 1, removed: 1, defaulted: 1, skipped: 1 });
    });

    it('the recommendation default keeps access and says no recommendation was available', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(1);
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 1,
        defaultDecision: 'recommendation',
      });
      t.clock.advanceDays(1);
      await applyDueReviews(t.deps);
      expect(t.connector.has(pkg.resource.externalId, users[0]!)).toBe(true);
      expect(await itemRow(review.id, assignmentIds[0]!)).toMatchObject({ appliedDecision: 'keep' });
      const [completed] = await auditRowsFor(db(), 'review.completed', { packageId: pkg.packageId });
      expect(completed!.data).toMatchObject({
        kept: 1,
        defaulted: 1,
        defaultDecision: 'recommendation',
        defaultBasis: 'no_recommendation_available',
      });
    });

    it('two runners at once apply each item once', async () => {
      await applyDueReviews(t.deps);
      const { pkg, users } = await heldPackage(8);
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 1,
        defaultDecision: 'remove',
      });
      t.clock.advanceDays(1);
      const before = t.connector.calls.length;
      const [r1, r2] = await Promise.all([applyDueReviews(t.deps), applyDueReviews(t.deps)]);
      expect(r1.reviews + r2.reviews).toBe(1);
      expect(r1.removed + r2.removed).toBe(8);
      const revokes = t.connector.calls
        .slice(before)
        .filter((c) => c.action === 'revoke' && users.includes(c.userId));
      expect(revokes).toHaveLength(8);
      expect(new Set(revokes.map((c) => c.userId)).size).toBe(8);
      expect(await auditRowsFor(db(), 'review.completed', { packageId: pkg.packageId })).toHaveLength(1);
      expect(await auditRowsFor(db(), 'assignment.removed', { packageId: pkg.packageId })).toHaveLength(8);
      expect((await reviewRow(review.id)).state).toBe('completed');
    });
  });

  describe('recurring reviews', () => {
    const settings = (reviewer: string) => ({
      review: {
        recurrenceDays: 30,
        durationDays: 10,
        reviewerMode: 'specific' as const,
        reviewerIds: [reviewer],
        defaultDecision: 'keep' as const,
      },
    });

    it('starts once per recurrence as SYSTEM, with the policy settings, and only for held packages', async () => {
      const reviewer = await insertUser(db());
      const { pkg } = await heldPackage(2, settings(reviewer));
      const unheld = await makePackage(t.deps, { policy: settings(reviewer) });

      const reviewsOf = (packageId: number) =>
        db()
          .select()
          .from(accessReviews)
          .where(eq(accessReviews.packageId, packageId))
          .orderBy(accessReviews.id);

      // Two runners at the same moment start one review.
      await Promise.all([startRecurringReviews(t.deps), startRecurringReviews(t.deps)]);
      const first = await reviewsOf(pkg.packageId);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        policyId: pkg.policyId,
        createdBy: 'system',
        reviewerMode: 'specific',
        reviewerIds: [reviewer],
        defaultDecision: 'keep',
      });
      expect(first[0]!.deadline.getTime() - first[0]!.startsAt.getTime()).toBe(10 * DAY_S * 1000);
      expect(await reviewsOf(unheld.packageId)).toEqual([]);
      expect(await dms(reviewer, 'review_requested')).toHaveLength(1);

      // Running: no second one. Completed but within the recurrence: none either.
      expect((await startRecurringReviews(t.deps)).started).not.toContain(first[0]!.id);
      t.clock.advanceDays(10);
      await applyDueReviews(t.deps);
      expect((await reviewRow(first[0]!.id)).state).toBe('completed');
      t.clock.advanceDays(19);
      await startRecurringReviews(t.deps);
      expect(await reviewsOf(pkg.packageId)).toHaveLength(1);

      // The system-started review's completion went to the admins.
      expect(
        (await dms(ADMIN.userId, 'review_completed')).filter((d) => d.data.reviewId === first[0]!.id),
      ).toHaveLength(1);

      t.clock.advanceDays(1);
      const report = await startRecurringReviews(t.deps);
      const now = await reviewsOf(pkg.packageId);
      expect(now).toHaveLength(2);
      expect(report.started).toContain(now[1]!.id);
      expect(await auditRowsFor(db(), 'review.started', { packageId: pkg.packageId })).toHaveLength(2);
    });
  });

  describe('reminders', () => {
    it('reminds reviewers with undecided items once, at half the review time', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(2);
      const [decider, idler] = users as [string, string];
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 10,
      });
      await decide(review.id, assignmentIds[0]!, decider, 'keep');
      const reminders = async (user: string) =>
        (await dms(user, 'review_requested')).filter((d) => d.idempotencyKey.endsWith(':reminder'));

      t.clock.advanceDays(4);
      await remindReviewers(t.deps);
      expect(await reminders(idler)).toEqual([]);

      t.clock.advanceDays(1);
      await remindReviewers(t.deps);
      const sent = await reminders(idler);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ idempotencyKey: `review_requested:${review.id}:${idler}:reminder` });
      expect(sent[0]!.data).toMatchObject({ reviewId: review.id, items: 1, reminder: true });
      expect(await reminders(decider)).toEqual([]);

      t.clock.advanceDays(2);
      await remindReviewers(t.deps);
      expect(await reminders(idler)).toHaveLength(1);
      expect(
        await db()
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.reviewId, review.id), eq(auditLog.action, 'review.reminded'))),
      ).toHaveLength(1);
    });
  });

  describe('canceling', () => {
    it('a reader may not cancel; an admin cancels; nothing is applied and a new review may start', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(1);
      const review = await startReviewOf(pkg, {
        reviewerMode: 'self',
        durationDays: 1,
        defaultDecision: 'remove',
      });
      const reader = await grantRole(pkg.catalogId, 'reader');
      await expectForbidden(db(), () => cancelReview(t.deps, { userId: reader }, { reviewId: review.id }));
      expect(await cancelReview(t.deps, ADMIN, { reviewId: review.id, reason: 'wrong default' })).toEqual({
        reviewId: review.id,
        state: 'canceled',
      });
      const [canceled] = await auditRowsFor(db(), 'review.canceled', { packageId: pkg.packageId });
      expect(canceled!.data).toEqual({ reason: 'wrong default' });
      await expectRefusal(
        db(),
        () => cancelReview(t.deps, ADMIN, { reviewId: review.id }),
        'review.closed',
        /was canceled/,
      );
      await expectRefusal(
        db(),
        () => decide(review.id, assignmentIds[0]!, users[0]!, 'keep'),
        'review.closed',
      );
      t.clock.advanceDays(1);
      await applyDueReviews(t.deps);
      expect((await assignmentRow(assignmentIds[0]!)).state).toBe('delivered');
      expect(await itemRow(review.id, assignmentIds[0]!)).toMatchObject({ appliedAt: null });
      const next = await startReviewOf(pkg, { reviewerMode: 'self' });
      expect(next.id).not.toBe(review.id);
    });
  });

  describe('read models', () => {
    it('reviewsAwaiting lists what a reviewer decides, undecided first, with the package and assignee', async () => {
      const { pkg, users, assignmentIds } = await heldPackage(2);
      const reviewer = await insertUser(db());
      const review = await startReviewOf(pkg, {
        reviewerMode: 'specific',
        reviewerIds: [reviewer],
      });
      await decide(review.id, assignmentIds[0]!, reviewer, 'keep');
      const awaiting = await reviewsAwaiting(t.deps, { userId: reviewer }, { reviewerId: reviewer });
      expect(awaiting).toHaveLength(1);
      expect(awaiting[0]).toMatchObject({ reviewId: review.id, packageName: pkg.name, undecided: 1 });
      expect(awaiting[0]!.items.map((i) => [i.assignmentId, i.decision])).toEqual([
        [assignmentIds[1], null],
        [assignmentIds[0], 'keep'],
      ]);
      expect(awaiting[0]!.items[0]).toMatchObject({
        userId: users[1],
        userName: `user-${users[1]!.toLowerCase()}`,
      });
      // An assignee of a specific review has nothing to review there.
      expect(await reviewsAwaiting(t.deps, { userId: users[0]! }, { reviewerId: users[0]! })).toEqual([]);
      await expectForbidden(db(), () =>
        reviewsAwaiting(t.deps, { userId: users[0]! }, { reviewerId: reviewer }),
      );
      expect(await reviewsAwaiting(t.deps, ADMIN, { reviewerId: reviewer })).toHaveLength(1);
    });

    it('reviewDetails shows every item to catalog readers and refuses outsiders', async () => {
      const { pkg, assignmentIds } = await heldPackage(2);
      const reviewer = await insertUser(db());
      const review = await startReviewOf(pkg, {
        reviewerMode: 'specific',
        reviewerIds: [reviewer],
        durationDays: 1,
      });
      await decide(review.id, assignmentIds[0]!, reviewer, 'remove', 'left');
      const reader = await grantRole(pkg.catalogId, 'reader');
      const details = await reviewDetails(t.deps, { userId: reader }, { reviewId: review.id });
      expect(details).toMatchObject({
        id: review.id,
        packageName: pkg.name,
        state: 'active',
        reviewerIds: [reviewer],
        counts: { items: 2, removed: 1, kept: 0, undecided: 1, skipped: 0 },
      });
      expect(details.items[0]).toMatchObject({ decision: 'remove', reason: 'left', decidedBy: reviewer });
      expect(details.items[0]!.decidedAt).toBeInstanceOf(Date);

      t.clock.advanceDays(1);
      await applyDueReviews(t.deps);
      const after = await reviewDetails(t.deps, ADMIN, { reviewId: review.id });
      expect(after.state).toBe('completed');
      expect(after.counts).toMatchObject({ kept: 1, removed: 1, undecided: 0 });
      expect(after.items[0]).toMatchObject({ assignmentState: 'removed', appliedDecision: 'remove' });

      const outsider = await insertUser(db());
      await expectForbidden(db(), () => reviewDetails(t.deps, { userId: outsider }, { reviewId: review.id }));
    });
  });
});
