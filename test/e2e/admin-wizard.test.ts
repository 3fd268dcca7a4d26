import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { findPackagesByName, getPackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { createPackage } from '../../src/services/catalog/packages.js';
import { policySettingsOf } from '../../src/services/catalog/policies.js';
import { decodeDraft } from '../../views/admin/wizard/draft.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { startSandbox } from '../support/sandbox.js';
import { optionValue, type Sandbox, submitStep, textOf, wizardOf } from './admin-support.js';

const ADMIN = { userId: WOODGROVE.admin };

describe(`the package wizard through Slack (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  // First: the picker's list is cached for a minute, and this workspace gains 300 groups.
  it('the user group picker offers every group that matches what is typed, at most 100', async () => {
    for (let i = 0; i < 300; i += 1) {
      s.fake.workspace.addUserGroup({ handle: `team-${i}`, name: `Team ${String(i).padStart(3, '0')}` });
    }
    const listsBefore = s.fake.callsTo('usergroups.list').length;
    await s.command(WOODGROVE.admin, 'package new');
    const { view } = wizardOf(s, WOODGROVE.admin);
    await submitStep(s, WOODGROVE.admin, {
      name: 'Picker',
      catalog: optionValue(view, 'catalog', 'General'),
    });
    const resources = wizardOf(s, WOODGROVE.admin).view;
    const suggest = async (value: string) => {
      const payload = {
        type: 'block_suggestion',
        action_id: 'pick_usergroups',
        block_id: 'resources',
        value,
        api_app_id: s.fake.app.apiAppId,
        team: { id: s.fake.app.teamId, domain: s.fake.app.teamDomain },
        user: { id: WOODGROVE.admin, name: 'admin1', team_id: s.fake.app.teamId },
        token: s.fake.app.verificationToken,
        container: { type: 'view', view_id: resources.id },
        view: resources,
      };
      const response = await s.send({
        body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { options: { text: { text: string }; value: string }[] };
    };
    const all = await suggest('');
    expect(all.options).toHaveLength(100);
    const some = await suggest('team 12');
    expect(some.options.map((o) => o.text.text)).toEqual(Array.from({ length: 10 }, (_, i) => `Team 12${i}`));
    const marketing = await suggest('marketing');
    expect(marketing.options).toEqual([
      expect.objectContaining({
        value: WOODGROVE.marketingGroup,
        text: expect.objectContaining({ text: 'Marketing resources' }),
      }),
    ]);
    // One usergroups.list (Tier 2) for all the typing: the list is kept for a minute.
    expect(s.fake.callsTo('usergroups.list').length - listsBefore).toBe(1);
    expect(await findPackagesByName(s.gatehouse.deps, ADMIN, { text: 'Picker' })).toEqual([]);
  });

  it("plays the tutorial's step 2: Admin1 creates Marketing Campaign in General", async () => {
    const opened = await s.command(WOODGROVE.admin, 'package new');
    expect(opened.replies).toEqual([]);
    let { view, step } = wizardOf(s, WOODGROVE.admin);
    expect(step).toBe('basics');
    expect(view.title.text).toBe('New access package');

    const basics = await submitStep(s, WOODGROVE.admin, {
      name: 'Marketing Campaign',
      description: 'Access to resources for the campaign',
      catalog: optionValue(view, 'catalog', 'General'),
    });
    expect(basics.ack).toMatchObject({ response_action: 'update' });
    ({ view, step } = wizardOf(s, WOODGROVE.admin));
    expect(step).toBe('resources');

    await submitStep(s, WOODGROVE.admin, { resources: [WOODGROVE.marketingGroup], role: 'member' });
    ({ view, step } = wizardOf(s, WOODGROVE.admin));
    expect(step).toBe('requests');

    await submitStep(s, WOODGROVE.admin, {
      requestors: 'specific',
      requestor_users: [WOODGROVE.requestor],
      approval_required: 'no',
      enabled: 'yes',
    });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('questions');
    await submitStep(s, WOODGROVE.admin, {});
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('lifecycle');
    await submitStep(s, WOODGROVE.admin, {
      expiry: 'days',
      expiry_days: '30',
      custom_timeline: 'yes',
      access_reviews: 'no',
    });
    ({ view, step } = wizardOf(s, WOODGROVE.admin));
    expect(step).toBe('review');
    const summary = textOf(view.blocks);
    expect(summary).toContain('Marketing Campaign');
    expect(summary).toContain('*Marketing resources* (user group) — Member');
    expect(summary).toContain('Specific people: <@U0REQUESTOR1>');
    expect(summary).toContain('No approval needed');
    expect(summary).toContain('Expires after 30 days; requestors may pick their own dates');
    expect(view.submit?.text).toBe('Create');

    const created = await s.submit({ userId: WOODGROVE.admin });
    expect(created.ack).toMatchObject({ response_action: 'update' });
    const done = s.fake.openModal(WOODGROVE.admin)!;
    expect(done.callback_id).not.toBe(CALLBACK.packageWizard);
    expect(textOf(done.blocks)).toContain('*Marketing Campaign* was created in *General*');
    expect(textOf(done.blocks)).toContain('*Marketing resources* — Member (now in General)');

    const details = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Marketing Campaign' });
    expect(details.package.description).toBe('Access to resources for the campaign');
    expect(details.catalog.name).toBe('General');
    expect(details.resourceRoles).toEqual([
      expect.objectContaining({
        resourceName: 'Marketing resources',
        kind: 'slack_usergroup',
        externalId: WOODGROVE.marketingGroup,
        role: 'member',
      }),
    ]);
    expect(details.policies).toHaveLength(1);
    expect(policySettingsOf(details.policies[0]!)).toMatchObject({
      name: 'Initial policy',
      requestorScope: 'specific',
      requestorUserIds: [WOODGROVE.requestor],
      requestorUsergroupIds: [],
      approvalStages: [],
      requestsEnabled: true,
      justificationRequired: true,
      questions: [],
      expiry: { kind: 'days', days: 30 },
      customTimeline: true,
      review: null,
    });
  });

  it('shows field errors and changes nothing: an empty name, a name taken, no resource', async () => {
    await createPackage(s.gatehouse.deps, ADMIN, { name: 'Taken Package' });
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    await s.command(WOODGROVE.admin, 'package new');
    const { view } = wizardOf(s, WOODGROVE.admin);
    const general = optionValue(view, 'catalog', 'General');

    const empty = await submitStep(s, WOODGROVE.admin, { name: '', catalog: general });
    expect(empty.ack).toEqual({ response_action: 'errors', errors: { name: 'Give the package a name.' } });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('basics');

    const taken = await submitStep(s, WOODGROVE.admin, { name: 'taken package', catalog: general });
    expect(taken.ack).toEqual({
      response_action: 'errors',
      errors: { name: 'There is already an access package called Taken Package. Pick another name.' },
    });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('basics');

    await submitStep(s, WOODGROVE.admin, { name: 'Nothing Inside', catalog: general });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('resources');
    const none = await submitStep(s, WOODGROVE.admin, { role: 'member' });
    expect(none.ack).toMatchObject({
      response_action: 'errors',
      errors: { resources: expect.stringContaining('at least one') },
    });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('resources');

    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
  });

  it('Back returns to the previous step with the draft kept', async () => {
    await s.command(WOODGROVE.admin, 'package new');
    const { view } = wizardOf(s, WOODGROVE.admin);
    await submitStep(s, WOODGROVE.admin, {
      name: 'Round Trip',
      catalog: optionValue(view, 'catalog', 'General'),
    });
    const resources = wizardOf(s, WOODGROVE.admin).view;
    await s.click({
      userId: WOODGROVE.admin,
      viewId: resources.id,
      blockId: 'wizard_nav',
      actionId: 'package_wizard_back',
    });
    const back = wizardOf(s, WOODGROVE.admin);
    expect(back.step).toBe('basics');
    expect(decodeDraft(back.view.private_metadata)?.name).toBe('Round Trip');
    const name = (
      back.view.blocks as unknown as { block_id?: string; element?: { initial_value?: string } }[]
    ).find((b) => b.block_id === 'name');
    expect(name?.element?.initial_value).toBe('Round Trip');
  });

  it('edit covers hidden, incompatible packages and the policy; the review warns about a lone approver', async () => {
    const other = await createPackage(s.gatehouse.deps, ADMIN, { name: 'Finance Reports' });
    await createPackage(s.gatehouse.deps, ADMIN, {
      name: 'Sales Pipeline',
      policy: { requestorUserIds: [WOODGROVE.requestor], expiry: { kind: 'days', days: 90 } },
    });
    await s.command(WOODGROVE.admin, 'package edit sales pipeline');
    let { view } = wizardOf(s, WOODGROVE.admin);
    await submitStep(s, WOODGROVE.admin, {
      hidden: ['on'],
      incompatible: [optionValue(view, 'incompatible', 'Finance Reports')],
    });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('resources');
    await submitStep(s, WOODGROVE.admin);
    await submitStep(s, WOODGROVE.admin, { approval_required: 'yes', approvers: [WOODGROVE.requestor] });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('questions');
    await submitStep(s, WOODGROVE.admin, {
      question_1: 'Which region?',
      question_1_kind: 'choice',
      question_1_choices: 'EMEA\nAPAC',
    });
    await submitStep(s, WOODGROVE.admin);
    ({ view } = wizardOf(s, WOODGROVE.admin));
    const review = textOf(view.blocks);
    expect(review).toContain(`:warning: <@${WOODGROVE.requestor}> is the only approver of stage 1`);
    expect(review).toContain('Finance Reports');
    expect(review).toContain('Hidden');
    await s.submit({ userId: WOODGROVE.admin });
    const saved = textOf(s.fake.openModal(WOODGROVE.admin)!.blocks);
    expect(saved).toContain('*Sales Pipeline* was saved');
    expect(saved).toContain('Incompatible packages saved');
    expect(saved).toContain(':warning:');

    const details = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Sales Pipeline' });
    expect(details.package.hidden).toBe(true);
    expect(details.incompatiblePackages).toEqual([{ id: other.package.id, name: 'Finance Reports' }]);
    const policy = policySettingsOf(details.policies[0]!);
    expect(policy.approvalStages).toMatchObject([
      { approverUserIds: [WOODGROVE.requestor], decideWithinDays: 14 },
    ]);
    expect(policy.questions).toMatchObject([
      { id: 'q1', text: 'Which region?', kind: 'choice', choices: ['EMEA', 'APAC'] },
    ]);
    expect(policy.expiry).toEqual({ kind: 'days', days: 90 });
    expect(details.policies[0]!.version).toBe(2);
  });

  it("the Home tab's New access package opens the wizard; for a requestor it says why not", async () => {
    const bot = new WebClient(SANDBOX_BOT_TOKEN, { slackApiUrl: s.fake.apiUrl, logLevel: LogLevel.ERROR });
    for (const userId of [WOODGROVE.admin, WOODGROVE.requestor]) {
      const home = await bot.views.publish({
        user_id: userId,
        view: {
          type: 'home',
          blocks: [
            {
              type: 'actions',
              block_id: 'manage_new',
              elements: [
                {
                  type: 'button',
                  text: { type: 'plain_text', text: 'New' },
                  action_id: ACTION.openWizard,
                  value: 'new',
                },
              ],
            },
          ],
        },
      });
      await s.click({ userId, viewId: home.view!.id!, blockId: 'manage_new', actionId: ACTION.openWizard });
    }
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('basics');
    const refused = s.fake.openModal(WOODGROVE.requestor)!;
    expect(refused.callback_id).not.toBe(CALLBACK.packageWizard);
    expect(textOf(refused.blocks)).toContain("You can't create access packages");
  });

  it('a requestor running package new is refused, and no modal opens', async () => {
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    const views = s.fake.viewEvents(WOODGROVE.requestor).length;
    const { replies } = await s.command(WOODGROVE.requestor, 'package new');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain("You can't create access packages");
    expect(s.fake.viewEvents(WOODGROVE.requestor)).toHaveLength(views);
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
  });
});
