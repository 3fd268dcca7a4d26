import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { markHomeOpened } from '../../src/services/catalog/users.js';
import { assignDirect, removeDeactivatedUser } from '../../src/services/requests/assignments.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, useTestEngine } from '../support/engine.js';
import { insertUser, snapshotCounts } from '../support/fixtures.js';
import { refused, stored } from '../support/request-fixtures.js';

const t = useTestEngine();

describe(`markHomeOpened (${databaseLabel})`, () => {
  it('sets home_opened_at the first time only', async () => {
    const userId = await insertUser(t.database.db);
    const first = t.clock.now();
    expect(await markHomeOpened(t.deps, userId)).toBe(true);
    t.clock.advanceSeconds(3_600);
    expect(await markHomeOpened(t.deps, userId)).toBe(false);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, userId));
    expect(row!.homeOpenedAt?.getTime()).toBe(first.getTime());
  });

  it('does nothing for a user the store does not know, and refuses a malformed id', async () => {
    expect(await markHomeOpened(t.deps, 'UNOBODY42')).toBe(false);
    const before = await snapshotCounts(t.database.db);
    await refused(markHomeOpened(t.deps, 'not-a-user'), 'input.invalid');
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });
});

describe(`removeDeactivatedUser (${databaseLabel})`, () => {
  it('ends every assignment as user_deactivated, revokes, and cancels open requests', async () => {
    const userId = await insertUser(t.database.db);
    const a = await makePackage(t.deps, {
      policy: { requestorScope: 'specific', requestorUserIds: [userId], justificationRequired: false },
    });
    const b = await makePackage(t.deps);
    const open = await makePackage(t.deps, {
      policy: {
        requestorScope: 'specific',
        requestorUserIds: [userId],
        justificationRequired: false,
        approvalStages: [{ approverUserIds: [ADMIN.userId] }],
      },
    });
    const first = await submitRequest(t.deps, { userId }, { packageId: a.packageId });
    const second = await assignDirect(t.deps, ADMIN, { userId, packageId: b.packageId });
    const pending = await submitRequest(t.deps, { userId }, { packageId: open.packageId });
    expect(pending.state).toBe('pending_approval');
    expect(t.connector.has(a.resource.externalId, userId)).toBe(true);

    const result = await removeDeactivatedUser(t.deps, userId);

    expect(result.endedAssignmentIds.sort()).toEqual([first.assignmentId, second.assignmentId].sort());
    expect(result.canceledRequestIds).toEqual([pending.requestId]);
    for (const id of result.endedAssignmentIds) {
      expect(await stored.assignment(t.database.db, id)).toMatchObject({
        state: 'removed',
        endReason: 'user_deactivated',
        endedBy: 'system',
      });
      expect(
        await stored.audit(t.database.db, { assignmentId: id, action: 'assignment.removed' }),
      ).toHaveLength(1);
    }
    expect(t.connector.has(a.resource.externalId, userId)).toBe(false);
    expect(t.connector.has(b.resource.externalId, userId)).toBe(false);
    expect((await stored.request(t.database.db, pending.requestId)).state).toBe('canceled');
    const ended = await stored.outbox(t.database.db, { recipient: userId, kind: 'access_ended' });
    expect(ended.map((r) => r.data.reason)).toEqual(['user_deactivated', 'user_deactivated']);
  });

  it('is idempotent: a second call changes nothing', async () => {
    const userId = await insertUser(t.database.db);
    const pkg = await makePackage(t.deps);
    await assignDirect(t.deps, ADMIN, { userId, packageId: pkg.packageId });
    await removeDeactivatedUser(t.deps, userId);
    const before = await snapshotCounts(t.database.db);
    expect(await removeDeactivatedUser(t.deps, userId)).toEqual({
      endedAssignmentIds: [],
      canceledRequestIds: [],
    });
    expect(await snapshotCounts(t.database.db)).toEqual(before);
  });

  it('refuses a malformed user id', async () => {
    await refused(removeDeactivatedUser(t.deps, 'bogus'), 'input.invalid');
  });
});
