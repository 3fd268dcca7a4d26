import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import { notification } from '../../domain/notifications.js';
import { type ReviewerMode, reminderDueAt, reviewRequests } from '../../domain/review.js';
import { audit } from '../audit.js';
import { type EngineDeps, SYSTEM } from '../context.js';
import { notify } from '../notify.js';
import { ACTIVE_ASSIGNMENTS } from '../sql-lists.js';
import { inTransaction } from '../tx.js';
import { parseTextArray } from './review-loaders.js';

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
             where d.review_id = ${row.id} and d.decision is null and a.state in ${ACTIVE_ASSIGNMENTS}`,
      );
      const scope = { reviewerMode: row.reviewer_mode, reviewerIds: parseTextArray(row.reviewer_ids) };
      const requests = reviewRequests(
        scope,
        open.map((o) => ({ userId: o.user_id })),
      );
      await notify(
        tx,
        now,
        ...requests.map((r) =>
          notification('review_requested', r.reviewerId, {
            reviewId: Number(row.id),
            packageId: Number(row.package_id),
            packageName: row.package_name,
            reviewerMode: row.reviewer_mode,
            items: r.items,
            deadline: deadline.toISOString(),
            reminder: true,
          }),
        ),
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
