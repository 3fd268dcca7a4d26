import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignments, requests, usergroupMembers } from '../../src/db/schema.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import { myAssignments } from '../../src/services/requests/request-queries.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import { knownPerson, newGroup, newPackage, newPerson } from './portal-support.js';

const ADMIN = { userId: WOODGROVE.admin };

describe(`directory events: user_change and subteam_members_changed (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
    await knownPerson(s, WOODGROVE.admin);
    await knownPerson(s, WOODGROVE.approver);
  });
  afterAll(() => s.close());

  it('user_change with deleted ends every assignment, revokes the groups and cancels open requests', async () => {
    const leaver = await newPerson(s);
    const [g1, g2] = [newGroup(s), newGroup(s)];
    const [p1, p2] = [await newPackage(s, g1), await newPackage(s, g2)];
    const pending = await newPackage(s, newGroup(s), {
      approvalStages: [{ approverUserIds: [WOODGROVE.approver] }],
    });
    for (const pkg of [p1, p2]) {
      await assignDirect(s.gatehouse.deps, ADMIN, { userId: WOODGROVE.admin, packageId: pkg.id });
      await assignDirect(s.gatehouse.deps, ADMIN, { userId: leaver, packageId: pkg.id });
    }
    const open = await submitRequest(s.gatehouse.deps, { userId: leaver }, { packageId: pending.id });
    await s.idle();
    expect(s.fake.groupMembers(g1)).toContain(leaver);
    expect(s.fake.groupMembers(g2)).toContain(leaver);

    const user = s.fake.workspace.user(leaver);
    user.deleted = true;
    const response = await s.event({
      type: 'user_change',
      user: { ...user, profile: { real_name: user.real_name } },
    });
    expect(response.status).toBe(200);

    expect(await myAssignments(s.gatehouse.deps, leaver)).toEqual([]);
    const ended = await s.gatehouse.deps.database.db
      .select()
      .from(assignments)
      .where(eq(assignments.userId, leaver));
    expect(ended.map((a) => [a.state, a.endReason, a.endedBy])).toEqual([
      ['removed', 'user_deactivated', 'system'],
      ['removed', 'user_deactivated', 'system'],
    ]);
    expect(s.fake.groupMembers(g1)).toEqual([WOODGROVE.admin]);
    expect(s.fake.groupMembers(g2)).toEqual([WOODGROVE.admin]);
    const [request] = await s.gatehouse.deps.database.db
      .select()
      .from(requests)
      .where(eq(requests.id, open.requestId));
    expect(request!.state).toBe('canceled');
    // The admin's access to the same packages is untouched.
    expect((await myAssignments(s.gatehouse.deps, WOODGROVE.admin)).map((a) => a.packageId)).toEqual(
      expect.arrayContaining([p1.id, p2.id]),
    );
    // Slack says it again (a retry): nothing more happens, nothing fails.
    const again = await s.event({ type: 'user_change', user });
    expect(again.status).toBe(200);
  });

  it('user_change without deleted only refreshes the profile', async () => {
    const person = await newPerson(s);
    const pkg = await newPackage(s, newGroup(s));
    await assignDirect(s.gatehouse.deps, ADMIN, { userId: person, packageId: pkg.id });
    await s.idle();
    const user = s.fake.workspace.user(person);
    await s.event({
      type: 'user_change',
      user: { ...user, real_name: 'Renamed Person', is_restricted: true },
    });
    expect(await myAssignments(s.gatehouse.deps, person)).toHaveLength(1);
    const [row] = await s.gatehouse.deps.database.db.query.users.findMany({
      where: (u, { eq }) => eq(u.id, person),
    });
    expect(row).toMatchObject({ name: 'Renamed Person', kind: 'guest', deactivated: false });
  });

  it('subteam_members_changed refreshes the cached membership: a group-scoped package appears in /access list', async () => {
    const person = await newPerson(s);
    const eligible = newGroup(s);
    const pkg = await newPackage(s, newGroup(s), {
      requestorScope: 'specific',
      requestorUsergroupIds: [eligible],
    });
    const before = await s.command(person, 'list');
    expect(JSON.stringify(before.replies[0])).not.toContain(pkg.name);

    s.fake.group(eligible).users = [person];
    await s.event({
      type: 'subteam_members_changed',
      subteam_id: eligible,
      team_id: s.fake.workspace.team.id,
      added_users: [person],
      added_users_count: '1',
      date_previous_update: 0,
      date_update: 1,
    });
    const cached = await s.gatehouse.deps.database.db
      .select()
      .from(usergroupMembers)
      .where(eq(usergroupMembers.usergroupId, eligible));
    expect(cached.map((m) => m.userId)).toEqual([person]);
    const after = await s.command(person, 'list');
    expect(JSON.stringify(after.replies[0])).toContain(pkg.name);

    s.fake.group(eligible).users = [];
    s.fake.group(eligible).disabled = true;
    await s.event({ type: 'subteam_members_changed', subteam_id: eligible, removed_users: [person] });
    const gone = await s.gatehouse.deps.database.db
      .select()
      .from(usergroupMembers)
      .where(and(eq(usergroupMembers.usergroupId, eligible), eq(usergroupMembers.userId, person)));
    expect(gone).toEqual([]);
    expect(JSON.stringify((await s.command(person, 'list')).replies[0])).not.toContain(pkg.name);
  });
});
