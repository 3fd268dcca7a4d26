import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accessPackages, assignments, expiryReminders, requests } from '../../db/schema.js';
import { extensionRefusal, reminderTimes } from '../../domain/expiry.js';
import { type Notification, notification } from '../../domain/notifications.js';
import { ACTIVE_ASSIGNMENT_STATES } from '../../domain/states.js';
import type { EngineDeps } from '../context.js';
import { notify } from '../notify.js';
import { snapshotOf } from '../requests/request-loaders.js';
import { inBatches } from './due-batch.js';

/** (Re)arms an assignment's expiry reminders for its current end; reminders already past are skipped. */
export async function scheduleReminders(
  tx: Db,
  now: Date,
  assignmentId: number,
  endsAt: Date | null,
  offsetsHours: readonly number[],
  /** A brand-new assignment has none to replace: no DELETE. */
  options: { fresh?: boolean } = {},
): Promise<void> {
  if (!options.fresh) await tx.delete(expiryReminders).where(eq(expiryReminders.assignmentId, assignmentId));
  const due = reminderTimes(endsAt, offsetsHours, now);
  if (due.length === 0) return;
  await tx
    .insert(expiryReminders)
    .values(due.map((r) => ({ assignmentId, offsetHours: r.offsetHours, dueAt: r.dueAt })));
}

/** Access that ended needs no reminder: the unsent ones go. */
export async function dropUnsentReminders(tx: Db, assignmentIds: readonly number[]): Promise<void> {
  if (assignmentIds.length === 0) return;
  await tx
    .delete(expiryReminders)
    .where(and(inArray(expiryReminders.assignmentId, [...assignmentIds]), isNull(expiryReminders.sentAt)));
}

/**
 * Expiry reminders that are due, for assignments still active. After downtime several may be due
 * for one assignment: only the latest is sent, the earlier ones are marked done with it. The
 * assignment row is the claim, so two runners never split one assignment's reminders.
 */
export async function sendExpiryReminders(deps: EngineDeps): Promise<number> {
  return inBatches(deps, async (tx, now, limit) => {
    const due = await tx
      .select({
        id: assignments.id,
        userId: assignments.userId,
        packageId: assignments.packageId,
        startsAt: assignments.startsAt,
        endsAt: assignments.endsAt,
        extensionCount: assignments.extensionCount,
        packageName: accessPackages.name,
        policySnapshot: requests.policySnapshot,
      })
      .from(assignments)
      .innerJoin(accessPackages, eq(accessPackages.id, assignments.packageId))
      .leftJoin(requests, eq(requests.id, assignments.requestId))
      .where(
        and(
          inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES]),
          // Past its end the access is about to expire: "ends on …" would arrive after the fact.
          sql`${assignments.endsAt} > ${now}`,
          sql`exists (select 1 from ${expiryReminders} r where r.assignment_id = ${assignments.id}
                 and r.sent_at is null and r.due_at <= ${now})`,
        ),
      )
      .orderBy(asc(assignments.id))
      .limit(limit)
      .for('update', { of: assignments, skipLocked: true });
    if (due.length === 0) return 0;
    const marked = await tx
      .update(expiryReminders)
      .set({ sentAt: now, claimedUntil: null })
      .where(
        and(
          inArray(
            expiryReminders.assignmentId,
            due.map((a) => a.id),
          ),
          isNull(expiryReminders.sentAt),
          lte(expiryReminders.dueAt, now),
        ),
      )
      .returning({
        assignmentId: expiryReminders.assignmentId,
        offsetHours: expiryReminders.offsetHours,
        dueAt: expiryReminders.dueAt,
      });
    const messages: Notification[] = [];
    for (const a of due) {
      const latest = marked
        .filter((m) => m.assignmentId === a.id)
        .sort((x, y) => y.dueAt.getTime() - x.dueAt.getTime())[0];
      if (!latest || !a.endsAt) continue;
      const settings = snapshotOf(a);
      messages.push(
        notification('access_expiring', a.userId, {
          assignmentId: a.id,
          packageId: a.packageId,
          packageName: a.packageName,
          endsAt: a.endsAt.toISOString(),
          offsetHours: latest.offsetHours,
          canExtend: settings !== null && extensionRefusal(settings.extension, a, now) === null,
        }),
      );
    }
    await notify(tx, now, ...messages);
    return due.length;
  });
}
