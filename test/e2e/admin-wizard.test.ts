import type { ViewOutput } from '@slack/bolt';
import { LogLevel, WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDrafts } from '../../src/db/schema.js';
import { initialAnswers } from '../../src/sandbox/driver.js';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { applyPackageDraft } from '../../src/services/catalog/apply-package-draft.js';
import { findPackagesByName, getPackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { createCatalog, grantCatalogRole, revokeCatalogRole } from '../../src/services/catalog/catalogs.js';
import { createPackage, deletePackage } from '../../src/services/catalog/packages.js';
import { policySettingsOf } from '../../src/services/catalog/policies.js';
import { registerResource } from '../../src/services/catalog/resources.js';
import { draftFromStore, draftIdOf } from '../../views/admin/wizard/store-codec.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { startSandbox } from '../support/sandbox.js';
import { optionValue, type Sandbox, submitStep, textOf, wizardOf } from './admin-support.js';

const ADMIN = { userId: WOODGROVE.admin };
const STALE = 'This form is out of date. Start again with `/access package new`.';

/** The store's row for the draft a wizard modal carries the id of (null: there is none). */
async function storedDraft(s: Sandbox, view: Pick<ViewOutput, 'private_metadata'>) {
  const draftId = draftIdOf(view.private_metadata);
  if (!draftId) return null;
  const [row] = await s.gatehouse.deps.database.db
    .select()
    .from(packageDrafts)
    .where(eq(packageDrafts.id, draftId));
  return row ? { ...row, wizard: draftFromStore(row.draft) } : null;
}

/** A person of the workspace besides the tutorial's, e.g. `U0NAMED07`. */
function addPerson(s: Sandbox, id: string) {
  return s.fake.workspace.addUser({ id, name: id.toLowerCase(), real_name: id }).id;
}

/** The admin runs `package new` and names the package in General: the wizard's Resource roles step. */
async function pastBasics(s: Sandbox, name: string) {
  await s.command(WOODGROVE.admin, 'package new');
  const { view } = wizardOf(s, WOODGROVE.admin);
  await submitStep(s, WOODGROVE.admin, { name, catalog: optionValue(view, 'catalog', 'General') });
  return wizardOf(s, WOODGROVE.admin).view;
}

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
    const resources = await pastBasics(s, 'Picker');
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
    const resources = await pastBasics(s, 'Round Trip');
    await s.click({
      userId: WOODGROVE.admin,
      viewId: resources.id,
      blockId: 'wizard_nav',
      actionId: 'package_wizard_back',
    });
    const back = wizardOf(s, WOODGROVE.admin);
    expect(back.step).toBe('basics');
    expect((await storedDraft(s, back.view))?.wizard?.name).toBe('Round Trip');
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

  it('creates a package for 25 named people through the wizard: the modal carries only the draft id', async () => {
    const people = Array.from({ length: 25 }, (_, i) =>
      addPerson(s, `U0NAMED${String(i + 1).padStart(2, '0')}`),
    );
    await s.command(WOODGROVE.admin, 'package new');
    let { view } = wizardOf(s, WOODGROVE.admin);
    const metadata = [view.private_metadata];
    await submitStep(s, WOODGROVE.admin, {
      name: 'Trading Floor',
      catalog: optionValue(view, 'catalog', 'General'),
    });
    await submitStep(s, WOODGROVE.admin, { resources: [WOODGROVE.marketingGroup], role: 'member' });
    ({ view } = wizardOf(s, WOODGROVE.admin));
    metadata.push(view.private_metadata);
    const requests = await submitStep(s, WOODGROVE.admin, {
      requestors: 'specific',
      requestor_users: people,
      approval_required: 'no',
      enabled: 'yes',
    });
    expect(requests.ack).toMatchObject({ response_action: 'update' });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('questions');
    await submitStep(s, WOODGROVE.admin, {});
    await submitStep(s, WOODGROVE.admin, {
      expiry: 'days',
      expiry_days: '30',
      custom_timeline: 'yes',
      access_reviews: 'no',
    });
    ({ view } = wizardOf(s, WOODGROVE.admin));
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('review');
    metadata.push(view.private_metadata);
    const summary = textOf(view.blocks);
    for (const person of people) expect(summary).toContain(`<@${person}>`);
    // One id, the same on every step; the 25 people are in the store.
    expect(new Set(metadata).size).toBe(1);
    expect(JSON.parse(view.private_metadata)).toEqual({ draftId: expect.any(String) });
    const stored = await storedDraft(s, view);
    expect(stored).toMatchObject({ ownerUserId: WOODGROVE.admin, viewId: view.id });
    expect(stored?.wizard?.requestorUserIds).toEqual(people);

    await s.submit({ userId: WOODGROVE.admin });
    expect(textOf(s.fake.openModal(WOODGROVE.admin)!.blocks)).toContain(
      '*Trading Floor* was created in *General*',
    );
    const details = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Trading Floor' });
    expect(policySettingsOf(details.policies[0]!).requestorUserIds).toEqual(people);
    // Applied once: the draft is used up in the same transaction.
    expect(await storedDraft(s, view)).toBeNull();
    const replay = await applyPackageDraft(s.gatehouse.deps, ADMIN, {
      draftId: draftIdOf(view.private_metadata),
      packageId: null,
      name: 'Trading Floor Again',
      policy: policySettingsOf(details.policies[0]!),
    });
    expect(replay).toBeNull();
    await expect(
      getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Trading Floor Again' }),
    ).rejects.toMatchObject({ code: 'package.not_found' });

    // The 25th may request it.
    const last = people.at(-1)!;
    await s.command(last, 'request Trading Floor');
    expect(s.fake.openModal(last)?.callback_id).toBe(CALLBACK.requestAccess);
  });

  it("someone else's draft is out of date for them, and stays as it was for its owner", async () => {
    const mine = await pastBasics(s, 'Mine Only');
    const before = await storedDraft(s, mine);
    expect(before?.wizard).toMatchObject({ name: 'Mine Only', step: 'resources' });

    // Another person submits the admin's modal (a forged payload: Slack shows it only to the admin).
    const forged = await s.send(
      s.fake.viewSubmission({
        userId: WOODGROVE.requestor,
        viewId: mine.id,
        answers: { ...initialAnswers(mine), resources: [WOODGROVE.marketingGroup] },
      }),
    );
    expect(forged.status).toBe(200);
    const forgedAck = (await forged.json()) as { response_action: string; view: { blocks: unknown } };
    expect(forgedAck.response_action).toBe('update');
    expect(textOf(forgedAck.view.blocks)).toContain(STALE);

    // A package manager of their own puts the admin's draft id in their own wizard.
    const manager = addPerson(s, 'U0MANAGER9');
    const catalog = await createCatalog(s.gatehouse.deps, ADMIN, { name: 'Borrowed' });
    await grantCatalogRole(s.gatehouse.deps, ADMIN, {
      catalogId: catalog.id,
      userId: manager,
      role: 'package_manager',
    });
    await s.command(manager, 'package new');
    const theirs = wizardOf(s, manager).view;
    s.fake.workspace.views.get(theirs.id)!.view.private_metadata = mine.private_metadata;
    const hijack = await submitStep(s, manager, {
      name: 'Hijacked',
      catalog: optionValue(theirs, 'catalog', 'Borrowed'),
    });
    expect(hijack.ack).toMatchObject({ response_action: 'update' });
    expect(textOf(s.fake.openModal(manager)!.blocks)).toContain(STALE);

    const after = await storedDraft(s, mine);
    expect(after).toEqual(before);
    // Its owner carries on.
    await submitStep(s, WOODGROVE.admin, { resources: [WOODGROVE.marketingGroup], role: 'member' });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('requests');
    expect((await storedDraft(s, mine))?.wizard?.name).toBe('Mine Only');
  });

  it('a Save refused half-way changes nothing: a resource the editor may no longer bring in, a package gone', async () => {
    const owner = addPerson(s, 'U0OWNER7');
    const traders = s.fake.workspace.addUserGroup({ handle: 'traders', name: 'Traders' }).id;
    const risk = s.fake.workspace.addUserGroup({ handle: 'risk-desk', name: 'Risk desk' }).id;
    const catalog = await createCatalog(s.gatehouse.deps, ADMIN, { name: 'Trading' });
    await grantCatalogRole(s.gatehouse.deps, ADMIN, { catalogId: catalog.id, userId: owner, role: 'owner' });
    const held = await registerResource(s.gatehouse.deps, ADMIN, {
      catalogId: catalog.id,
      kind: 'slack_usergroup',
      externalId: traders,
      name: 'Traders',
    });
    await createPackage(s.gatehouse.deps, ADMIN, {
      catalogId: catalog.id,
      name: 'Trading Desk',
      resourceRoles: [{ resourceId: held.id, role: 'member' }],
      policy: { requestorUserIds: [WOODGROVE.requestor] },
    });
    const compliance = await createPackage(s.gatehouse.deps, ADMIN, {
      catalogId: catalog.id,
      name: 'Compliance Desk',
    });
    // Someone holds it: a resource role added would queue a grant for them.
    await s.command(WOODGROVE.admin, `assign <@${WOODGROVE.requestor}> Trading Desk`);
    expect(s.fake.workspace.userGroups.get(traders)?.users).toContain(WOODGROVE.requestor);

    await s.command(owner, 'package edit Trading Desk');
    let { view } = wizardOf(s, owner);
    await submitStep(s, owner, {
      name: 'Trading Desk EMEA',
      hidden: ['on'],
      incompatible: [optionValue(view, 'incompatible', 'Compliance Desk')],
    });
    // As a catalog owner they may bring Risk desk in.
    const picked = await submitStep(s, owner, { resources: [traders, risk], role: 'member' });
    expect(picked.ack).toMatchObject({ response_action: 'update' });
    await submitStep(s, owner, { requestor_users: [WOODGROVE.requestor, WOODGROVE.approver] });
    await submitStep(s, owner);
    await submitStep(s, owner, { expiry: 'days', expiry_days: '90' });
    expect(wizardOf(s, owner).step).toBe('review');
    const review = wizardOf(s, owner).view;

    // Before Save, they are made a package manager instead: no longer allowed to bring resources in.
    await revokeCatalogRole(s.gatehouse.deps, ADMIN, { catalogId: catalog.id, userId: owner, role: 'owner' });
    await grantCatalogRole(s.gatehouse.deps, ADMIN, {
      catalogId: catalog.id,
      userId: owner,
      role: 'package_manager',
    });
    const unchanged = async () => {
      const details = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Trading Desk' });
      expect(details.package).toMatchObject({ name: 'Trading Desk', hidden: false });
      expect(details.resourceRoles.map((r) => r.externalId)).toEqual([traders]);
      expect(details.incompatiblePackages).toEqual([]);
      expect(details.policies[0]!.version).toBe(1);
      expect(policySettingsOf(details.policies[0]!).requestorUserIds).toEqual([WOODGROVE.requestor]);
    };
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    await s.submit({ userId: owner });
    let failed = s.fake.openModal(owner)!;
    expect(textOf(failed.blocks)).toContain(
      'Only owners of the Trading catalog and Gatehouse admins can bring a new resource into it',
    );
    expect(textOf(failed.blocks)).toContain('Nothing was changed');
    expect(textOf(failed.blocks)).toContain('Back to Resource roles');
    // Only the refusal itself is written (auth.refused, audited on purpose).
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual({
      ...before,
      audit_refusals: before.audit_refusals! + 1,
    });
    await unchanged();
    expect(s.fake.workspace.userGroups.get(risk)?.users ?? []).toEqual([]);
    expect((await storedDraft(s, review))?.wizard).toMatchObject({ name: 'Trading Desk EMEA', hidden: true });

    // Back to Resource roles, without Risk desk this time; but Compliance Desk is deleted meanwhile.
    await s.click({ userId: owner, viewId: failed.id, blockId: 'wizard_nav', actionId: ACTION.wizardBack });
    expect(wizardOf(s, owner).step).toBe('resources');
    await submitStep(s, owner, { resources: [traders], role: 'member' });
    for (const step of ['requests', 'questions', 'lifecycle'] as const) {
      expect(wizardOf(s, owner).step).toBe(step);
      await submitStep(s, owner);
    }
    expect(wizardOf(s, owner).step).toBe('review');
    await deletePackage(s.gatehouse.deps, ADMIN, { packageId: compliance.package.id });
    const again = await snapshotCounts(s.gatehouse.deps.database.db);
    await s.submit({ userId: owner });
    failed = s.fake.openModal(owner)!;
    expect(textOf(failed.blocks)).toContain(`There is no access package with id ${compliance.package.id}.`);
    expect(textOf(failed.blocks)).toContain('Back to Basics');
    // The name, visibility, people and expiry were written before the refusal: all rolled back.
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(again);
    await unchanged();

    // Back to Basics, the deleted package out: Save goes through, all of it at once.
    await s.click({ userId: owner, viewId: failed.id, blockId: 'wizard_nav', actionId: ACTION.wizardBack });
    ({ view } = wizardOf(s, owner));
    expect(view.blocks.find((b) => b.block_id === 'name')).toBeDefined();
    // Compliance Desk was the catalog's only other package: nothing left to pick.
    expect(view.blocks.find((b) => b.block_id === 'incompatible')).toBeUndefined();
    await submitStep(s, owner);
    for (const step of ['resources', 'requests', 'questions', 'lifecycle'] as const) {
      expect(wizardOf(s, owner).step).toBe(step);
      await submitStep(s, owner);
    }
    await s.submit({ userId: owner });
    expect(textOf(s.fake.openModal(owner)!.blocks)).toContain('*Trading Desk EMEA* was saved');
    const saved = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Trading Desk EMEA' });
    expect(saved.package.hidden).toBe(true);
    expect(saved.policies[0]!.version).toBe(2);
    expect(policySettingsOf(saved.policies[0]!)).toMatchObject({
      requestorUserIds: [WOODGROVE.requestor, WOODGROVE.approver],
      expiry: { kind: 'days', days: 90 },
    });
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

  // Last: it moves the clock two days on.
  it('an untouched draft expires after a day: the job deletes it, and its form is out of date', async () => {
    const open = await pastBasics(s, 'Left Open');
    const created = await storedDraft(s, open);
    expect(created).not.toBeNull();
    const hours = (n: number) => n * 3600;

    await s.advance(hours(23));
    expect(await storedDraft(s, open)).not.toBeNull();
    // A step taken: another day from now.
    await submitStep(s, WOODGROVE.admin, { resources: [WOODGROVE.marketingGroup], role: 'member' });
    expect(wizardOf(s, WOODGROVE.admin).step).toBe('requests');
    await s.advance(hours(23));
    expect(await storedDraft(s, open)).not.toBeNull();

    await s.advance(hours(2));
    expect(await storedDraft(s, open)).toBeNull();
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    const stale = await submitStep(s, WOODGROVE.admin, { requestors: 'specific', approval_required: 'no' });
    expect(stale.ack).toMatchObject({ response_action: 'update' });
    expect(textOf(s.fake.openModal(WOODGROVE.admin)!.blocks)).toContain(STALE);
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
    expect(await findPackagesByName(s.gatehouse.deps, ADMIN, { text: 'Left Open' })).toEqual([]);
  });
});
