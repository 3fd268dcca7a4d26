import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { FOREIGN_WORKSPACE_REPLY } from '../../src/slack/workspace-gate.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import { answersAt, packageWith, requestsOf, uniqueName } from './requests-support.js';

const PARTNER_TEAM = 'T0PARTNERCO';

/** A Slack Connect user as users.info shows one who shares a channel: their home team, no is_stranger. */
describe(`Slack Connect users are not members of this workspace (${databaseLabel})`, () => {
  let s: Sandbox;
  let partner: string;
  let everyone: { id: number; name: string };
  beforeAll(async () => {
    s = await startSandbox({ fake: { rateLimits: false } });
    partner = s.fake.workspace.addUser({ name: 'connect1', real_name: 'Connect1', team_id: PARTNER_TEAM }).id;
    everyone = await packageWith(s, uniqueName('Everyone Package'), { requestorScope: 'all_members' });
  });
  afterAll(() => s.close());

  async function commandFrom(userId: string, text: string, teamId?: string) {
    const parts = s.fake.slashCommand({ userId, text, ...(teamId ? { teamId } : {}) });
    const response = await s.send(parts);
    expect(response.status).toBe(200);
    await s.idle();
    return answersAt(s, parts.responseUrl!).map((r) => String(r.text));
  }

  it('with our team id in the command, "every member" packages are neither listed nor requestable', async () => {
    const listed = await commandFrom(partner, 'list');
    expect(listed.join('\n')).not.toContain(everyone.name);
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    const asked = await commandFrom(partner, `request ${everyone.name}`);
    expect(asked.join('\n')).toMatch(/none of its policies lets you ask for it/);
    expect(s.fake.openModal(partner)).toBeUndefined();
    expect(await requestsOf(s, partner, everyone.id)).toEqual([]);
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
  });

  it('with their own team id, every command is refused while no policy lets outsiders request', async () => {
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    for (const text of ['help', 'list', `request ${everyone.name}`]) {
      expect(await commandFrom(partner, text, PARTNER_TEAM)).toEqual([
        `:no_entry: ${FOREIGN_WORKSPACE_REPLY}`,
      ]);
    }
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
  });

  it('a policy that names them and allows outsiders lets them request that package only', async () => {
    const open = await packageWith(s, uniqueName('Partner Portal'), {
      requestorScope: 'specific',
      requestorUserIds: [partner],
      allowExternalRequestors: true,
    });
    const closed = await packageWith(s, uniqueName('Named Only'), {
      requestorScope: 'specific',
      requestorUserIds: [partner],
    });
    const listed = (await commandFrom(partner, 'list', PARTNER_TEAM)).join('\n');
    expect(listed).toContain(open.name);
    expect(listed).not.toContain(closed.name);
    expect(listed).not.toContain(everyone.name);

    expect((await commandFrom(partner, `request ${closed.name}`, PARTNER_TEAM)).join('\n')).toMatch(
      /none of its policies lets you ask for it/,
    );
    expect(await commandFrom(partner, `request ${open.name}`, PARTNER_TEAM)).toEqual([]);
    expect((await s.submit({ userId: partner, answers: { justification: 'Partner work' } })).ack).toBeNull();
    expect(await requestsOf(s, partner, open.id)).toHaveLength(1);
    expect(await requestsOf(s, partner, closed.id)).toEqual([]);
  });

  it('members of this workspace are unaffected', async () => {
    const listed = (await commandFrom(WOODGROVE.requestor, 'list')).join('\n');
    expect(listed).toContain(everyone.name);
  });
});
