import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignments } from '../../src/db/schema.js';
import { clickEphemeral, optionValue, submitStep, textOf, wizardOf } from '../../src/sandbox/driver.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { findPackagesByName } from '../../src/services/catalog/catalog-queries.js';
import { ACTION } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { outboxFor } from '../support/fixtures.js';
import { startSandbox } from '../support/sandbox.js';
import type { Sandbox } from './admin-support.js';

const DAY = 86_400;
const admin = WOODGROVE.admin;
const requestor = WOODGROVE.requestor;
const group = WOODGROVE.marketingGroup;

/**
 * Microsoft's entitlement-management tutorial, played in Slack terms against the simulated
 * Woodgrove workspace: every step a person takes is a signed request to the real app, and every
 * answer is read back from what Slack was asked to show.
 */
describe(`the tutorial, end to end in Slack (${databaseLabel})`, () => {
  let s: Sandbox;
  const dmTexts = (userId: string) =>
    s.fake.messagesTo(userId).map((m) => `${m.text} ${JSON.stringify(m.blocks)}`);

  beforeAll(async () => {
    s = await startSandbox();
    // Someone already in the group by hand: Gatehouse must keep them.
    s.fake.group(group).users = [WOODGROVE.approver];
  });
  afterAll(() => s.close());

  it('step 2: Admin1 creates "Marketing Campaign" in General through the wizard', async () => {
    await s.command(admin, 'package new');
    const { view } = wizardOf(s, admin);
    await submitStep(s, admin, {
      name: 'Marketing Campaign',
      description: 'Access to resources for the campaign',
      catalog: optionValue(view, 'catalog', 'General'),
    });
    await submitStep(s, admin, { resources: [group], role: 'member' });
    await submitStep(s, admin, {
      requestors: 'specific',
      requestor_users: [requestor],
      approval_required: 'no',
      enabled: 'yes',
    });
    await submitStep(s, admin, {});
    await submitStep(s, admin, {
      expiry: 'days',
      expiry_days: '30',
      custom_timeline: 'yes',
      access_reviews: 'no',
    });
    expect(wizardOf(s, admin).step).toBe('review');
    await s.submit({ userId: admin });
    expect(textOf(s.fake.openModal(admin)!.blocks)).toContain(
      '*Marketing Campaign* was created in *General*',
    );
  });

  it('step 3: Requestor1 finds it with /access list and requests it with a justification', async () => {
    const { replies } = await s.command(requestor, 'list');
    expect(JSON.stringify(replies[0])).toContain('Marketing Campaign');
    const [pkg] = await findPackagesByName(
      s.gatehouse.deps,
      { userId: admin },
      { text: 'Marketing Campaign' },
    );
    await clickEphemeral(s, {
      userId: requestor,
      reply: replies[0]!,
      actionId: ACTION.requestPackage,
      value: String(pkg!.id),
    });
    const modal = s.fake.openModal(requestor);
    expect(modal?.title.text).toBe('Request access');
    const { ack } = await s.submit({
      userId: requestor,
      answers: { justification: "I'm working on the new marketing campaign" },
    });
    expect(ack).toBeNull();
    expect(s.fake.openModal(requestor)).toBeUndefined();
  });

  it('step 4: the user group gains Requestor1 (others kept); the DMs and history say Delivered', async () => {
    expect(s.fake.groupMembers(group).sort()).toEqual([WOODGROVE.approver, requestor].sort());
    expect(
      dmTexts(requestor).some(
        (t) => t.includes('You now have access to') && t.includes('Marketing Campaign'),
      ),
    ).toBe(true);
    const history = await s.command(requestor, 'history');
    const text = JSON.stringify(history.replies[0]);
    expect(text).toContain('Marketing Campaign');
    expect(text).toContain('Delivered');
  });

  it("step 4: Admin1's /access requests shows Requestor1, the Initial policy, Delivered", async () => {
    const { replies } = await s.command(admin, 'requests Marketing Campaign');
    const text = JSON.stringify(replies[0]);
    expect(text).toContain(requestor);
    expect(text).toContain('Initial policy');
    expect(text).toContain('Delivered');
  });

  it('30 days later (test clock): reminders at 14 and 1 days, then Requestor1 leaves the group and is told', async () => {
    const db = s.gatehouse.deps.database.db;
    const [held] = await db.select().from(assignments).where(eq(assignments.userId, requestor));
    const endsAt = held!.endsAt!.getTime();
    const before = s.fake.messagesTo(requestor).length;
    const queuedBefore = (await outboxFor(db, requestor)).length;
    await s.advance(31 * DAY);

    // Told three times, in this order: 14 days before the end, 1 day before, at the end.
    const told = s.fake.messagesTo(requestor).slice(before);
    const end = `${new Date(endsAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    expect(told.map((m) => m.text)).toEqual([
      `Your access to Marketing Campaign ends ${end}.`,
      `Your access to Marketing Campaign ends ${end}.`,
      'Your access to Marketing Campaign has expired.',
    ]);
    // The test clock stepped through each due time, so each DM was queued when it was due
    // (hours before the end; the test clock runs on from the wall clock, so to the hour).
    const queued = (await outboxFor(db, requestor)).slice(queuedBefore);
    // (`+ 0` makes the -0 of a DM queued a moment after the end a plain 0.)
    const hoursBeforeEnd = (at: Date) => Math.round((endsAt - at.getTime()) / 3_600_000) + 0;
    expect(queued.map((row) => [row.kind, hoursBeforeEnd(row.createdAt)])).toEqual([
      ['access_expiring', 14 * 24],
      ['access_expiring', 24],
      ['access_ended', 0],
    ]);
    expect(s.fake.groupMembers(group)).toEqual([WOODGROVE.approver]);
    const history = await s.command(requestor, 'history');
    expect(JSON.stringify(history.replies[0])).toContain('Expired');
  });

  it('step 5: Admin1 removes access, the resource role and the package', async () => {
    // Give the access again so there is something to remove, as in the tutorial.
    const assigned = await s.command(admin, `assign <@${requestor}> Marketing Campaign`);
    expect(JSON.stringify(assigned.replies)).not.toContain(':no_entry:');
    expect(s.fake.groupMembers(group)).toContain(requestor);

    const dmsBefore = s.fake.messagesTo(requestor).length;
    const removed = await s.command(admin, `remove <@${requestor}> Marketing Campaign`);
    expect(JSON.stringify(removed.replies)).not.toContain(':no_entry:');
    expect(s.fake.groupMembers(group)).toEqual([WOODGROVE.approver]);
    // Told once that access was removed, and nothing about a request being canceled.
    const told = dmTexts(requestor).slice(dmsBefore);
    expect(told.filter((t) => t.includes('was removed'))).toHaveLength(1);
    expect(told.some((t) => t.includes('canceled'))).toBe(false);
    const history = await s.command(requestor, 'history');
    expect(JSON.stringify(history.replies[0])).toContain('Removed');

    // Remove the resource role: package edit, Resource roles step with nothing picked, Save.
    await s.command(admin, 'package edit Marketing Campaign');
    await submitStep(s, admin);
    expect(wizardOf(s, admin).step).toBe('resources');
    await submitStep(s, admin, { resources: [] });
    for (const step of ['requests', 'questions', 'lifecycle'] as const) {
      expect(wizardOf(s, admin).step).toBe(step);
      await submitStep(s, admin);
    }
    await s.submit({ userId: admin });
    expect(textOf(s.fake.openModal(admin)!.blocks)).toContain('Removed *Marketing resources* — Member');
    const shown = await s.command(admin, 'package show Marketing Campaign');
    expect(JSON.stringify(shown.replies[0])).not.toContain('Marketing resources');

    const deleted = await s.command(admin, 'package delete Marketing Campaign');
    expect(JSON.stringify(deleted.replies)).not.toContain(':no_entry:');
    expect(
      await findPackagesByName(s.gatehouse.deps, { userId: admin }, { text: 'Marketing Campaign' }),
    ).toEqual([]);
    const list = await s.command(requestor, 'list');
    expect(JSON.stringify(list.replies[0])).not.toContain('Marketing Campaign');
  });
});
