import { LogLevel, WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { getPackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { policySettingsOf } from '../../src/services/catalog/policies.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { renderDeliveryAbandoned } from '../../views/admin/delivery-abandoned.js';
import { ACTION } from '../../views/ids.js';
import { MARKETING_GROUP, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import { commandText, submitStep, textOf, wizardOf } from './admin-support.js';

const ADMIN = { userId: WOODGROVE.admin };
const REQUESTOR = `<@${WOODGROVE.requestor}|requestor1>`;

describe(`admin commands through Slack (${databaseLabel})`, () => {
  let s: Sandbox;
  let bot: WebClient;
  let packageId: number;

  beforeAll(async () => {
    s = await startSandbox();
    // Waits out Slack's one message a second per channel, like a real client.
    bot = new WebClient(SANDBOX_BOT_TOKEN, { slackApiUrl: s.fake.apiUrl, logLevel: LogLevel.ERROR });
    // The tutorial's step 2, through the engine (the wizard has its own test), and step 3.
    ({ packageId } = await makePackage(s.gatehouse.deps, {
      name: 'Marketing Campaign',
      description: 'Access to resources for the campaign',
      resourceRoles: [MARKETING_GROUP],
      policy: { requestorUserIds: [WOODGROVE.requestor], expiry: { kind: 'days', days: 30 } },
    }));
    await s.command(WOODGROVE.requestor, 'help');
    await s.command(WOODGROVE.approver, 'help');
    await submitRequest(
      s.gatehouse.deps,
      { userId: WOODGROVE.requestor },
      {
        packageId,
        justification: "I'm working on the new marketing campaign",
      },
    );
    await s.idle();
  });
  afterAll(() => s.close());

  /** A package only admins assign, granting a new user group of the workspace the admin is in. */
  function adminOnlyGroupPackage(name: string, group: { id: string; name: string }) {
    s.fake.workspace.addUserGroup({ ...group, handle: group.name.toLowerCase(), users: [WOODGROVE.admin] });
    return makePackage(s.gatehouse.deps, {
      name,
      resourceRoles: [{ resource: { kind: 'slack_usergroup', externalId: group.id, name: group.name } }],
      policy: { requestorScope: 'none' },
    });
  }

  /** A Home tab with one button, as the portal publishes it, for clicking the admin shortcuts. */
  async function homeButton(userId: string, actionId: string, value: string) {
    const result = await bot.views.publish({
      user_id: userId,
      view: {
        type: 'home',
        blocks: [
          {
            type: 'actions',
            block_id: 'shortcuts',
            elements: [
              { type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: actionId, value },
            ],
          },
        ],
      },
    });
    return result.view!.id!;
  }

  /** Presses a Home tab shortcut button as `userId` (the button as the Home tab would carry it). */
  async function pressHomeShortcut(userId: string, actionId: string, value: string) {
    const viewId = await homeButton(userId, actionId, value);
    await s.click({ userId, viewId, blockId: 'shortcuts', actionId });
  }

  it('step 4: requests shows Requestor1, Initial policy, Delivered; the group has the member', async () => {
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.requestor]);
    const text = await commandText(s, WOODGROVE.admin, 'requests marketing campaign');
    expect(text).toContain(`<@${WOODGROVE.requestor}> · Initial policy · *Delivered*`);
  });

  it('package show and assignments describe the package and who holds it', async () => {
    const show = await commandText(s, WOODGROVE.admin, 'package show Marketing Campaign');
    expect(show).toContain('*Marketing resources* (user group) — Member');
    expect(show).toContain(`Specific people: <@${WOODGROVE.requestor}>`);
    expect(show).toContain('Expires after 30 days');
    expect(show).toContain('*People with access*\n1');
    const { replies } = await s.command(WOODGROVE.admin, 'assignments Marketing');
    const json = JSON.stringify(replies[0]!.blocks);
    expect(json).toContain(`"action_id":"${ACTION.removeAssignment}"`);
    expect(textOf(replies[0]!.blocks)).toContain(`<@${WOODGROVE.requestor}> · since`);
  });

  it('a requestor running assign, catalog new or audit is refused with the engine sentence; nothing changes but the audit of each refusal', async () => {
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    expect(
      await commandText(s, WOODGROVE.requestor, `assign <@${WOODGROVE.approver}> Marketing Campaign`),
    ).toContain("You can't do that in General");
    expect(await commandText(s, WOODGROVE.requestor, 'catalog new Secret Projects')).toContain(
      'Only a Gatehouse admin can create a catalog.',
    );
    expect(await commandText(s, WOODGROVE.requestor, 'audit Marketing Campaign')).toContain(
      "You can't do that in General",
    );
    expect(await commandText(s, WOODGROVE.requestor, `audit <@${WOODGROVE.admin}>`)).toContain(
      "Only a Gatehouse admin can see someone else's audit trail",
    );
    expect(await commandText(s, WOODGROVE.requestor, 'remove <@U0APPROVER1> Marketing Campaign')).toContain(
      "You can't do that in General",
    );
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual({
      ...before,
      audit_refusals: before.audit_refusals! + 5,
    });
  });

  it('audit shows a package trail newest first, and a person trail', async () => {
    const trail = await commandText(s, WOODGROVE.admin, 'audit Marketing Campaign');
    expect(trail).toContain('package.created');
    expect(trail.indexOf('request.')).toBeLessThan(trail.indexOf('package.created'));
    const person = await commandText(s, WOODGROVE.admin, `audit ${REQUESTOR}`);
    expect(person).toContain(`about <@${WOODGROVE.requestor}>`);
    expect(await commandText(s, WOODGROVE.admin, 'audit')).toContain('Say whose trail');
  });

  it('package names: several matches are listed, unknown ones said so', async () => {
    await makePackage(s.gatehouse.deps, { name: 'Marketing Analytics', resourceRoles: [] });
    expect(await commandText(s, WOODGROVE.admin, 'package show marketing')).toContain(
      'Several access packages match "marketing": Marketing Analytics, Marketing Campaign.',
    );
    expect(await commandText(s, WOODGROVE.admin, 'package show <!channel>')).toContain(
      'There is no access package called &lt;!channel&gt;',
    );
  });

  it('step 5: remove Requestor1, remove the resource role with package edit, delete the package', async () => {
    const removed = await commandText(s, WOODGROVE.admin, `remove ${REQUESTOR} Marketing Campaign`);
    expect(removed).toContain(`<@${WOODGROVE.requestor}> no longer has *Marketing Campaign*`);
    await s.idle();
    // Slack refuses an empty user group: Gatehouse disables it when its last member leaves.
    expect(s.fake.group(WOODGROVE.marketingGroup).disabled).toBe(true);
    expect(await commandText(s, WOODGROVE.admin, 'requests Marketing Campaign')).toContain('*Removed*');

    const opened = await s.command(WOODGROVE.admin, 'package edit Marketing Campaign');
    expect(opened.replies).toEqual([]);
    let wizard = wizardOf(s, WOODGROVE.admin);
    expect(wizard.view.title.text).toBe('Edit access package');
    expect(wizard.step).toBe('basics');
    await submitStep(s, WOODGROVE.admin);
    wizard = wizardOf(s, WOODGROVE.admin);
    expect(wizard.step).toBe('resources');
    await submitStep(s, WOODGROVE.admin, { resources: [] });
    for (const step of ['requests', 'questions', 'lifecycle'] as const) {
      expect(wizardOf(s, WOODGROVE.admin).step).toBe(step);
      await submitStep(s, WOODGROVE.admin);
    }
    wizard = wizardOf(s, WOODGROVE.admin);
    expect(wizard.step).toBe('review');
    expect(textOf(wizard.view.blocks)).toContain('none: holders get nothing');
    expect(wizard.view.submit?.text).toBe('Save');
    await s.submit({ userId: WOODGROVE.admin });
    const saved = textOf(s.fake.openModal(WOODGROVE.admin)!.blocks);
    expect(saved).toContain('*Marketing Campaign* was saved');
    expect(saved).toContain('Removed *Marketing resources* — Member');

    const details = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: packageId });
    expect(details.resourceRoles).toEqual([]);
    expect(details.package.description).toBe('Access to resources for the campaign');
    expect(policySettingsOf(details.policies[0]!)).toMatchObject({
      requestorUserIds: [WOODGROVE.requestor],
      expiry: { kind: 'days', days: 30 },
      customTimeline: true,
      questions: [],
    });

    expect(await commandText(s, WOODGROVE.admin, 'package delete Marketing Campaign')).toContain(
      '*Marketing Campaign* was deleted.',
    );
    await expect(getPackageDetails(s.gatehouse.deps, ADMIN, { package: packageId })).rejects.toMatchObject({
      code: 'package.not_found',
    });
  });

  it('assign, review start, and delete refused while someone holds it, then with --force', async () => {
    await makePackage(s.gatehouse.deps, {
      name: 'Campaign Channel',
      resourceRoles: [
        {
          resource: {
            kind: 'slack_channel',
            externalId: WOODGROVE.campaignChannel,
            name: '#marketing-campaign',
          },
        },
      ],
      policy: { requestorScope: 'none' },
    });
    expect(
      await commandText(s, WOODGROVE.admin, `assign <@${WOODGROVE.approver}> Campaign Channel`),
    ).toContain(`<@${WOODGROVE.approver}> now gets *Campaign Channel*`);
    await s.idle();
    expect(s.fake.channelMembers(WOODGROVE.campaignChannel)).toContain(WOODGROVE.approver);
    expect(await commandText(s, WOODGROVE.admin, 'review start Campaign Channel 7')).toContain(
      'Access review of *Campaign Channel* started: 1 person to review by each person for themselves',
    );
    const refused = await commandText(s, WOODGROVE.admin, 'package delete Campaign Channel');
    expect(refused).toContain("Campaign Channel can't be deleted: 1 person holds it.");
    expect(refused).toContain('--force');
    const forced = await commandText(s, WOODGROVE.admin, 'package delete Campaign Channel --force');
    expect(forced).toContain('*Campaign Channel* was deleted. 1 person lost access.');
    await s.idle();
    expect(s.fake.channelMembers(WOODGROVE.campaignChannel)).not.toContain(WOODGROVE.approver);
  });

  it('catalogs, roles and resources', async () => {
    expect(await commandText(s, WOODGROVE.admin, 'catalog new Campaigns')).toContain(
      'Catalog *Campaigns* created',
    );
    expect(
      await commandText(
        s,
        WOODGROVE.admin,
        `catalog roles Campaigns add <@${WOODGROVE.approver}> package manager`,
      ),
    ).toContain(`<@${WOODGROVE.approver}> is now package manager of *Campaigns*`);
    const roles = await commandText(s, WOODGROVE.admin, 'catalog roles campaigns');
    expect(roles).toContain(`<@${WOODGROVE.admin}> — owner`);
    expect(roles).toContain(`<@${WOODGROVE.approver}> — package manager`);

    // A package manager of Campaigns may now open the wizard, offered only that catalog.
    await s.command(WOODGROVE.approver, 'package new');
    const catalogs = (
      wizardOf(s, WOODGROVE.approver).view.blocks as unknown as {
        block_id?: string;
        element?: { options?: { text: { text: string } }[] };
      }[]
    )
      .find((b) => b.block_id === 'catalog')!
      .element!.options!.map((o) => o.text.text);
    expect(catalogs).toEqual(['Campaigns']);

    const channel = await commandText(
      s,
      WOODGROVE.admin,
      'resource add channel <#C0PRIVATE|campaign-budget> to Campaigns',
    );
    expect(channel).toContain('*#campaign-budget* (channel) is now a resource of *Campaigns*');
    const webhook = await commandText(
      s,
      WOODGROVE.admin,
      'resource add webhook CRM app <https://crm.example/hook> reader,admin to Campaigns',
    );
    expect(webhook).toContain('*CRM app* (webhook) is now a resource of *Campaigns*');
    const secret = /`([A-Za-z0-9_-]{32})`/.exec(webhook)?.[1];
    expect(secret).toBeDefined();
    const list = await commandText(s, WOODGROVE.admin, 'resource list Campaigns');
    expect(list).toContain('*CRM app* (webhook, `crm-app`) · roles reader, admin');
    expect(list).toContain('<#C0PRIVATE>');
    expect(list).not.toContain(secret!);
    expect(
      await commandText(
        s,
        WOODGROVE.admin,
        'resource add usergroup <!subteam^S0MARKETING|@marketing-resources>',
      ),
    ).toContain('already registered in the General catalog');
    expect(await commandText(s, WOODGROVE.admin, 'resource remove #campaign-budget')).toContain(
      '*#campaign-budget* is no longer a resource of *Campaigns*',
    );
    expect(await commandText(s, WOODGROVE.admin, 'resource add something else')).toContain(
      "I couldn't read that.",
    );
  });

  it("the Home tab's Assignments shortcut opens the list; Remove there ends the access", async () => {
    const pkg = await adminOnlyGroupPackage('Budget Channel', { id: 'S0BUDGET', name: 'Budget' });
    await commandText(s, WOODGROVE.admin, `assign ${REQUESTOR} Budget Channel`);
    await s.idle();
    expect(s.fake.groupMembers('S0BUDGET')).toContain(WOODGROVE.requestor);
    await pressHomeShortcut(WOODGROVE.admin, ACTION.showPackageAssignments, String(pkg.package.id));
    const modal = s.fake.openModal(WOODGROVE.admin)!;
    expect(modal.title.text).toBe('Assignments');
    expect(textOf(modal.blocks)).toContain(`<@${WOODGROVE.requestor}> · since`);
    const row = (modal.blocks as unknown as { block_id: string; accessory?: { action_id: string } }[]).find(
      (b) => b.accessory?.action_id === ACTION.removeAssignment,
    )!;

    // Someone without a role can't press it: refused with the engine's sentence, nothing changes.
    await pressHomeShortcut(WOODGROVE.requestor, ACTION.showPackageRequests, String(pkg.package.id));
    expect(textOf(s.fake.openModal(WOODGROVE.requestor)!.blocks)).toContain("You can't do that in General");

    await s.click({
      userId: WOODGROVE.admin,
      viewId: modal.id,
      blockId: row.block_id,
      actionId: ACTION.removeAssignment,
    });
    const after = textOf(s.fake.openModal(WOODGROVE.admin)!.blocks);
    expect(after).toContain(`<@${WOODGROVE.requestor}> no longer has Budget Channel`);
    expect(after).toContain('Nobody has *Budget Channel* right now.');
    await s.idle();
    expect(s.fake.groupMembers('S0BUDGET')).toEqual([WOODGROVE.admin]);
  });

  it('Retry on the abandoned-delivery DM delivers again and says who retried', async () => {
    const pkg = await adminOnlyGroupPackage('Retry Group', { id: 'S0RETRY', name: 'Retry' });
    await commandText(s, WOODGROVE.admin, `assign <@${WOODGROVE.approver}> Retry Group`);
    await s.idle();
    expect(s.fake.groupMembers('S0RETRY')).toContain(WOODGROVE.approver);
    // Delivery gave up (as after its last attempt), and the member is gone from Slack.
    s.fake.group('S0RETRY').users = [WOODGROVE.admin];
    const [fulfilment] = await queryRows<{ id: number; assignment_id: number }>(
      s.gatehouse.deps.database.db,
      sql`update fulfilments set state = 'abandoned', last_error = 'ratelimited'
           where resource_id = (select id from resources where external_id = 'S0RETRY') returning id, assignment_id`,
    );
    const message = renderDeliveryAbandoned({
      forAdmin: true,
      assignmentId: Number(fulfilment!.assignment_id),
      packageName: pkg.package.name,
      userId: WOODGROVE.approver,
      resource: 'Retry',
      role: 'member',
      error: 'ratelimited',
    });
    const posted = await bot.chat.postMessage({
      channel: WOODGROVE.admin,
      text: message.text,
      blocks: message.blocks,
    });

    // Only an admin may retry.
    const dmOfApprover = await bot.chat.postMessage({
      channel: WOODGROVE.approver,
      text: message.text,
      blocks: message.blocks,
    });
    await s.click({
      userId: WOODGROVE.approver,
      messageTs: dmOfApprover.ts!,
      blockId: 'delivery_retry',
      actionId: ACTION.retryDelivery,
    });
    expect(s.fake.groupMembers('S0RETRY')).not.toContain(WOODGROVE.approver);

    await s.click({
      userId: WOODGROVE.admin,
      messageTs: posted.ts!,
      blockId: 'delivery_retry',
      actionId: ACTION.retryDelivery,
    });
    await s.idle();
    expect(s.fake.groupMembers('S0RETRY')).toContain(WOODGROVE.approver);
    const [state] = await queryRows<{ state: string }>(
      s.gatehouse.deps.database.db,
      sql`select state from fulfilments where id = ${fulfilment!.id}`,
    );
    expect(state!.state).toBe('delivered');
    const update = s.fake.callsTo('chat.update').at(-1)!;
    expect(JSON.stringify(update.args.blocks)).toContain(`<@${WOODGROVE.admin}> retried the delivery`);
    expect(JSON.stringify(update.args.blocks)).not.toContain(ACTION.retryDelivery);
  });
});
