import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { usergroupMembers, users } from '../../src/db/schema.js';
import { getUser, setUsergroupMembers, upsertUser } from '../../src/services/catalog/users.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, useTestEngine } from '../support/engine.js';
import { slackId } from '../support/fixtures.js';
import { auditRowsFor, expectRefusal } from '../support/refusals.js';

const t = useTestEngine();

const SLACK = { userId: 'system' };

describe(`users (${databaseLabel})`, () => {
  it('records a user, then updates them, keeping the cached DM channel', async () => {
    const id = slackId('U');
    const first = await upsertUser(t.deps, SLACK, { id, name: 'Requestor1', email: 'r1@woodgrove.test' });
    expect(first).toMatchObject({
      user: {
        id,
        name: 'Requestor1',
        email: 'r1@woodgrove.test',
        kind: 'member',
        isExternal: false,
        deactivated: false,
      },
      becameDeactivated: false,
      becameActive: false,
    });
    await t.database.db.update(users).set({ dmChannelId: 'D0123' }).where(eq(users.id, id));
    t.clock.advanceSeconds(60);
    const second = await upsertUser(t.deps, SLACK, { id, name: 'Requestor One', kind: 'guest' });
    expect(second.user).toMatchObject({
      name: 'Requestor One',
      kind: 'guest',
      email: 'r1@woodgrove.test',
      dmChannelId: 'D0123',
    });
    expect(second.user.updatedAt).toEqual(t.clock.now());
    expect(await getUser(t.deps, ADMIN, { id })).toEqual(second.user);
    const cleared = await upsertUser(t.deps, SLACK, { id, name: 'Requestor One', email: null });
    expect(cleared.user.email).toBeNull();
  });

  it('says when a user has just been deactivated or reactivated, and audits it once', async () => {
    const id = slackId('U');
    await upsertUser(t.deps, SLACK, { id, name: 'Leaver' });
    const off = await upsertUser(t.deps, SLACK, { id, name: 'Leaver', deactivated: true });
    expect(off).toMatchObject({ becameDeactivated: true, becameActive: false });
    const again = await upsertUser(t.deps, SLACK, { id, name: 'Leaver', deactivated: true });
    expect(again).toMatchObject({ becameDeactivated: false, becameActive: false });
    const back = await upsertUser(t.deps, SLACK, { id, name: 'Leaver' });
    expect(back).toMatchObject({ becameDeactivated: false, becameActive: true });
    const deactivated = (await auditRowsFor(t.database.db, 'user.deactivated')).filter(
      (r) => r.subjectUserId === id,
    );
    const reactivated = (await auditRowsFor(t.database.db, 'user.reactivated')).filter(
      (r) => r.subjectUserId === id,
    );
    expect([deactivated.length, reactivated.length]).toEqual([1, 1]);
  });

  it('counts a user first seen deactivated as just deactivated', async () => {
    const id = slackId('U');
    expect((await upsertUser(t.deps, SLACK, { id, name: 'Gone', deactivated: true })).becameDeactivated).toBe(
      true,
    );
  });

  it('refuses an id that is not a Slack user id', async () => {
    await expectRefusal(
      t.database.db,
      () => upsertUser(t.deps, SLACK, { id: 'bob', name: 'Bob' }),
      'input.invalid',
    );
    expect(await getUser(t.deps, ADMIN, { id: slackId('U') })).toBeNull();
  });

  it('replaces the cached membership of one group, leaving other groups alone', async () => {
    const group = slackId('S');
    const otherGroup = slackId('S');
    const [a, b, c] = [slackId('U'), slackId('U'), slackId('U')];
    await setUsergroupMembers(t.deps, SLACK, { usergroupId: otherGroup, userIds: [a] });
    expect(await setUsergroupMembers(t.deps, SLACK, { usergroupId: group, userIds: [a, b, b] })).toEqual({
      added: [a, b].sort(),
      removed: [],
    });
    expect(await setUsergroupMembers(t.deps, SLACK, { usergroupId: group, userIds: [b, c] })).toEqual({
      added: [c],
      removed: [a],
    });
    const members = async (g: string) =>
      (await t.database.db.select().from(usergroupMembers).where(eq(usergroupMembers.usergroupId, g)))
        .map((r) => r.userId)
        .sort();
    expect(await members(group)).toEqual([b, c].sort());
    expect(await members(otherGroup)).toEqual([a]);
    expect(await setUsergroupMembers(t.deps, SLACK, { usergroupId: group, userIds: [] })).toEqual({
      added: [],
      removed: [b, c].sort(),
    });
    expect(await members(group)).toEqual([]);
  });
});
