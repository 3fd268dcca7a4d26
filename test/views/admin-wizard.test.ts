import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { policySettingsSchema } from '../../src/domain/policy.js';
import { checkView } from '../../src/sandbox/block-kit-checks.js';
import { stateValuesFor } from '../../src/sandbox/view-state.js';
import { readWizardStep, type WizardData, wizardStepView } from '../../views/admin/wizard/index.js';
import { newDraft, WIZARD_LIMITS, type WizardDraft, wizardOverflow } from '../../views/admin/wizard/model.js';
import { stepShownBy, WIZARD_STEPS } from '../../views/admin/wizard/navigation.js';
import { draftFromPackage, policySettingsFrom } from '../../views/admin/wizard/policy-mapping.js';
import { questionSlots } from '../../views/admin/wizard/questions.js';
import { resourcesBlocks } from '../../views/admin/wizard/resources.js';
import { wizardDoneView, wizardFailedView, wizardProgressView } from '../../views/admin/wizard/result.js';
import { emptyWizardData } from '../../views/admin/wizard/shell.js';
import type { StateValues } from '../../views/admin/wizard/state.js';
import {
  draftForStore,
  draftFromStore,
  draftIdOf,
  wizardMetadata,
} from '../../views/admin/wizard/store-codec.js';
import { ACTION, CALLBACK } from '../../views/ids.js';

const NOW = new Date('2026-02-04T10:00:00Z');
/** The draft's row in the store, as private_metadata carries it. */
const DRAFT_ID = '0b9f3c1e-5d2a-4c8e-9f61-2a7d4e8b1c03';
const uid = (prefix: string, i: number) => `${prefix}${String(i).padStart(10, '0')}`;

function data(overrides: Partial<WizardData> = {}): WizardData {
  return {
    ...emptyWizardData(NOW),
    catalogs: [
      { id: 1, name: 'General' },
      { id: 2, name: 'Marketing' },
    ],
    catalogName: 'General',
    registered: [{ id: 7, kind: 'webhook', name: 'CRM app', roles: ['reader', 'admin'] }],
    usergroupNames: { S0MARKETING: 'Marketing resources' },
    ...overrides,
  };
}

/** The largest draft the wizard accepts: every limit reached, ids as long as Slack's. */
function fullDraft(step: WizardDraft['step'] = 'review'): WizardDraft {
  return {
    ...newDraft(999_999),
    step,
    packageId: 999_999,
    policyId: 999_999,
    name: 'N'.repeat(80),
    description: 'd'.repeat(WIZARD_LIMITS.description),
    hidden: true,
    incompatibleIds: Array.from({ length: WIZARD_LIMITS.incompatible }, (_, i) => 999_900 + i),
    resources: [
      ...Array.from({ length: WIZARD_LIMITS.usergroups }, (_, i) => ({
        kind: 'slack_usergroup' as const,
        externalId: uid('S', i),
      })),
      ...Array.from({ length: WIZARD_LIMITS.channels }, (_, i) => ({
        kind: 'slack_channel' as const,
        externalId: uid('C', i),
      })),
      ...Array.from({ length: WIZARD_LIMITS.registeredRoles }, (_, i) => ({
        kind: 'registered' as const,
        resourceId: 999_900 + i,
        role: 'r'.repeat(40),
      })),
    ],
    requestorUserIds: Array.from({ length: WIZARD_LIMITS.requestorUsers }, (_, i) => uid('U', i)),
    requestorUsergroupIds: Array.from({ length: WIZARD_LIMITS.requestorGroups }, (_, i) => uid('S', i)),
    approvalRequired: true,
    stages: Array.from({ length: WIZARD_LIMITS.stages }, (_, s) => ({
      approverUserIds: Array.from({ length: WIZARD_LIMITS.approvers }, (_, i) => uid('U', 100 + s * 10 + i)),
      fallbackUserIds: Array.from({ length: WIZARD_LIMITS.fallbackApprovers }, (_, i) =>
        uid('U', 105 + s * 10 + i),
      ),
      decideWithinDays: 14,
      justificationRequired: true,
    })),
    questions: Array.from({ length: WIZARD_LIMITS.questions }, () => ({
      text: 'q'.repeat(WIZARD_LIMITS.questionText),
      kind: 'choice' as const,
      required: true,
      choices: Array.from({ length: WIZARD_LIMITS.choices }, () => 'c'.repeat(19)),
      regex: 'x'.repeat(WIZARD_LIMITS.regex),
    })),
    expiry: { kind: 'date', date: '2030-12-31' },
    extension: { allowed: true, requiresApproval: true, maxCount: 20 },
    review: {
      recurrenceDays: 365,
      reviewerMode: 'specific',
      reviewerIds: Array.from({ length: WIZARD_LIMITS.reviewers }, (_, i) => uid('U', 900 + i)),
      defaultDecision: 'recommendation',
    },
  };
}

/** The tutorial's package: Marketing Campaign, Marketing resources as Member, Requestor1, 30 days. */
function tutorialDraft(step: WizardDraft['step']): WizardDraft {
  return {
    ...newDraft(1),
    step,
    name: 'Marketing Campaign',
    description: 'Access to resources for the campaign',
    resources: [{ kind: 'slack_usergroup', externalId: 'S0MARKETING' }],
    requestorUserIds: ['U0REQUESTOR1'],
    expiry: { kind: 'days', days: 30 },
  };
}

function errorsOf(view: ModalView): string[] {
  return checkView(view)
    .filter((issue) => issue.level === 'error')
    .map((issue) => `${issue.pointer}: ${issue.message}`);
}

type Json = Record<string, unknown>;

/** Every mrkdwn text in the blocks (plain_text shows mentions as typed, so only mrkdwn matters). */
function mrkdwnOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(mrkdwnOf).join('\n');
  if (typeof value !== 'object' || value === null) return '';
  const json = value as Json;
  if (json.type === 'mrkdwn' && typeof json.text === 'string') return json.text;
  return Object.values(json).map(mrkdwnOf).join('\n');
}
const inputs = (view: ModalView) => (view.blocks as unknown as Json[]).filter((b) => b.type === 'input');

describe('the package wizard views', () => {
  it.each(WIZARD_STEPS)('step %s is a valid modal for a new and an edited package', (step) => {
    for (const draft of [tutorialDraft(step), fullDraft(step)]) {
      const view = wizardStepView(draft, data({ current: null }), DRAFT_ID);
      expect(errorsOf(view)).toEqual([]);
      expect(view.callback_id).toBe(CALLBACK.packageWizard);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect([...view.title.text].length).toBeLessThanOrEqual(24);
      expect(view.private_metadata).toBe(wizardMetadata(DRAFT_ID));
      expect(stepShownBy(view)).toBe(step);
      for (const block of inputs(view)) {
        expect((block.label as { text: string }).text.length).toBeGreaterThan(0);
        expect(typeof block.block_id).toBe('string');
      }
      expect(view.submit?.text).toBe(step === 'review' ? (draft.packageId ? 'Save' : 'Create') : 'Next');
    }
  });

  it('private_metadata carries the draft id only; the store keeps a full draft and gives it back unchanged', () => {
    for (const draft of [fullDraft(), tutorialDraft('lifecycle'), { ...fullDraft(), questions: null }]) {
      const stored = draftForStore(draft);
      expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
      expect(draftFromStore(stored)).toEqual(draft);
    }
    expect(wizardMetadata(DRAFT_ID)).toBe(JSON.stringify({ draftId: DRAFT_ID }));
    expect(draftIdOf(wizardMetadata(DRAFT_ID))).toBe(DRAFT_ID);
    // The biggest draft is far over what private_metadata could have held.
    expect(JSON.stringify(draftForStore(fullDraft())).length).toBeGreaterThan(3000);
  });

  it('keeps ids, not names: no user group or package name is in the stored draft', () => {
    const stored = JSON.stringify(draftForStore(tutorialDraft('review')));
    expect(stored).toContain('S0MARKETING');
    expect(stored).not.toContain('Marketing resources');
  });

  it('refuses metadata that is not a draft id, and a stored draft the wizard could not have written', () => {
    for (const junk of ['', 'not json', '{"s":9}', '{"draftId":"12"}', `{"draftId":"${DRAFT_ID}","x":1}`]) {
      expect(draftIdOf(junk)).toBeNull();
    }
    const good = draftForStore(newDraft(1));
    for (const junk of [
      null,
      'text',
      {},
      { ...good, step: 'done' },
      { ...good, resources: [{ kind: 'webhook', resourceId: 'x' }] },
      { ...good, requestorUserIds: ['not a user'] },
      {
        ...good,
        questions: Array.from({ length: 11 }, () => ({
          text: 'q',
          kind: 'text',
          required: true,
          choices: [],
          regex: null,
        })),
      },
    ]) {
      expect(draftFromStore(junk)).toBeNull();
    }
  });

  it("a modal with the most people Slack's selects hold stays within Slack's limits", () => {
    const draft: WizardDraft = {
      ...fullDraft('requests'),
      requestorUserIds: Array.from({ length: WIZARD_LIMITS.requestorUsers }, (_, i) => uid('U', i)),
    };
    const view = wizardStepView(draft, data(), DRAFT_ID);
    expect(errorsOf(view)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(250_000);
    const people = inputs(view).find((b) => b.block_id === 'requestor_users')!.element as Json;
    expect(people).toMatchObject({ type: 'multi_users_select', max_selected_items: 100 });
    expect((people.initial_users as string[]).length).toBe(100);
    for (const step of WIZARD_STEPS) {
      const full = wizardStepView(fullDraft(step), data(), DRAFT_ID);
      expect(errorsOf(full)).toEqual([]);
      expect(full.blocks.length).toBeLessThanOrEqual(100);
      expect(Buffer.byteLength(JSON.stringify(full))).toBeLessThan(250_000);
    }
  });

  it('names a package made elsewhere that the fields cannot hold', () => {
    expect(wizardOverflow(fullDraft())).toBeNull();
    expect(
      wizardOverflow({
        ...fullDraft(),
        requestorUserIds: Array.from({ length: 101 }, (_, i) => uid('U', i)),
      }),
    ).toBe('more than 100 people who may request');
  });

  it('stays valid in a workspace with 300 user groups and 300 packages', () => {
    const names = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [uid('S', i), `Group ${i}`]));
    const packages = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, name: `Package ${i}` }));
    const many = data({
      usergroupNames: names,
      packages,
      catalogs: packages.map((p) => ({ id: p.id, name: p.name })),
    });
    for (const step of WIZARD_STEPS) {
      const view = wizardStepView({ ...fullDraft(step), incompatibleIds: [299, 300] }, many, DRAFT_ID);
      expect(errorsOf(view)).toEqual([]);
    }
    const resources = wizardStepView(fullDraft('resources'), many, DRAFT_ID);
    const groups = inputs(resources).find((b) => b.block_id === 'resources')!;
    expect((groups.element as Json).type).toBe('multi_external_select');
    expect((groups.element as Json).action_id).toBe(ACTION.pickUsergroups);
    const basics = wizardStepView({ ...fullDraft('basics'), incompatibleIds: [299, 300] }, many, DRAFT_ID);
    const incompatible = inputs(basics).find((b) => b.block_id === 'incompatible')!.element as Json;
    expect((incompatible.options as unknown[]).length).toBe(100);
    expect((incompatible.initial_options as { value: string }[]).map((o) => o.value)).toEqual(['299', '300']);
  });

  it('uses the stable block ids', () => {
    const ids = (step: WizardDraft['step'], draft = tutorialDraft(step)) =>
      inputs(wizardStepView(draft, data(), DRAFT_ID)).map((b) => b.block_id);
    expect(ids('basics')).toEqual(['name', 'description', 'catalog']);
    expect(ids('basics', { ...tutorialDraft('basics'), packageId: 5, policyId: 6 })).toEqual(
      expect.arrayContaining(['name', 'description', 'hidden']),
    );
    expect(ids('resources')).toEqual(['resources', 'channels', 'webhooks', 'role']);
    expect(ids('requests')).toEqual(
      expect.arrayContaining([
        'requestors',
        'requestor_users',
        'approval_required',
        'approvers',
        'enabled',
        'justification',
      ]),
    );
    expect(ids('lifecycle')).toEqual(
      expect.arrayContaining([
        'expiry',
        'expiry_days',
        'custom_timeline',
        'extension_allowed',
        'access_reviews',
      ]),
    );
    expect(ids('review')).toEqual([]);
  });

  it('the review step says it all in words, with the warnings', () => {
    const view = wizardStepView(
      tutorialDraft('review'),
      data({
        warnings: ['<@U0APPROVER1> is the only approver of stage 1 and can also request this package.'],
      }),
      DRAFT_ID,
    );
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Marketing Campaign');
    expect(text).toContain('Marketing resources');
    expect(text).toContain('<@U0REQUESTOR1>');
    expect(text).toContain('No approval needed');
    expect(text).toContain('Expires after 30 days');
    expect(text).toContain('requestors may pick their own dates');
    expect(text).toContain(':warning: <@U0APPROVER1> is the only approver');
  });

  it('escapes what people typed', () => {
    const draft = {
      ...tutorialDraft('review'),
      name: '<!channel> pkg',
      description: '<@U0ADMIN1> & <https://evil|x>',
    };
    const text = mrkdwnOf(wizardStepView(draft, data(), DRAFT_ID).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
    expect(text).toContain('&lt;@U0ADMIN1&gt;');
  });

  it('result views are valid modals', () => {
    for (const view of [
      wizardProgressView(fullDraft(), DRAFT_ID),
      wizardFailedView(fullDraft(), DRAFT_ID, 'There is already an access package called X.', 'basics'),
      wizardDoneView({
        packageName: 'N'.repeat(80),
        catalogName: 'General',
        editing: false,
        done: ['*Marketing resources* — Member'],
        warnings: ['w'],
      }),
    ]) {
      expect(errorsOf(view)).toEqual([]);
    }
    const failed = wizardFailedView(fullDraft(), DRAFT_ID, 'nope', 'resources');
    expect(JSON.stringify(failed.blocks)).toContain(ACTION.wizardBack);
    expect(JSON.stringify(failed.blocks)).toContain('Nothing was changed');
    expect(draftIdOf(failed.private_metadata)).toBe(DRAFT_ID);
    expect(draftIdOf(wizardProgressView(fullDraft(), DRAFT_ID).private_metadata)).toBe(DRAFT_ID);
  });
});

/** Answers by block id, as a person would give them, turned into view.state.values. */
function answersFor(draft: WizardDraft, answers: Record<string, string | string[] | null>): StateValues {
  const view = wizardStepView(draft, data(), DRAFT_ID);
  return stateValuesFor(
    { blocks: view.blocks as never, callback_id: view.callback_id! },
    answers,
  ) as StateValues;
}

describe('reading the wizard steps', () => {
  it('Basics: a name is required, the catalog must be one offered', () => {
    const draft = newDraft(1);
    const empty = readWizardStep('basics', answersFor(draft, { name: '  ', catalog: '1' }), draft, data());
    expect(empty).toEqual({ ok: false, errors: { name: 'Give the package a name.' } });
    const ok = readWizardStep(
      'basics',
      answersFor(draft, { name: ' Marketing Campaign ', description: 'Access', catalog: '2' }),
      draft,
      data(),
    );
    expect(ok).toMatchObject({
      ok: true,
      draft: { name: 'Marketing Campaign', description: 'Access', catalogId: 2 },
    });
    const forged = readWizardStep(
      'basics',
      { name: { name: { value: 'x' } }, catalog: { catalog: { selected_option: { value: '9' } } } },
      draft,
      data(),
    );
    expect(forged).toMatchObject({ ok: false, errors: { catalog: expect.any(String) } });
  });

  it('Resources: someone who may not bring resources into the catalog picks only what it holds', () => {
    const draft = tutorialDraft('resources');
    const answers = answersFor(draft, {
      resources: ['S0SECURITY'],
      channels: ['C0CAMPAIGN'],
      role: 'member',
    });
    const held = data({ registeredSlackIds: ['C0CAMPAIGN'] });
    expect(readWizardStep('resources', answers, draft, held)).toEqual({
      ok: false,
      errors: {
        resources:
          'Only owners of General and Gatehouse admins can bring a new user group into it: pick one it holds already, or ask them to add it.',
      },
    });
    expect(
      readWizardStep('resources', answers, draft, data({ registeredSlackIds: ['C0CAMPAIGN', 'S0SECURITY'] })),
    ).toMatchObject({ ok: true });
    expect(JSON.stringify(resourcesBlocks(draft, held))).toContain(
      'Only its owners and Gatehouse admins can add new ones',
    );
  });

  it('Resources: at least one when creating; user groups, channels and webhook roles are kept as ids', () => {
    const draft = tutorialDraft('resources');
    expect(readWizardStep('resources', answersFor(draft, { role: 'member' }), draft, data())).toEqual({
      ok: false,
      errors: { resources: 'Pick at least one user group, channel or webhook app: that is what people get.' },
    });
    const ok = readWizardStep(
      'resources',
      answersFor(draft, {
        resources: ['S0MARKETING'],
        channels: ['C0CAMPAIGN'],
        webhooks: ['w:7:admin'],
        role: 'member',
      }),
      draft,
      data({ mayRegisterResources: true }),
    );
    expect(ok).toMatchObject({
      ok: true,
      draft: {
        resources: [
          { kind: 'slack_usergroup', externalId: 'S0MARKETING' },
          { kind: 'slack_channel', externalId: 'C0CAMPAIGN' },
          { kind: 'registered', resourceId: 7, role: 'admin' },
        ],
      },
    });
    const editing = { ...draft, packageId: 3, policyId: 4 };
    expect(
      readWizardStep('resources', answersFor(editing, { role: 'member' }), editing, data()),
    ).toMatchObject({
      ok: true,
      draft: { resources: [] },
    });
    const dm = readWizardStep('resources', answersFor(draft, { channels: ['D0123'] }), draft, data());
    expect(dm).toMatchObject({ ok: false, errors: { channels: expect.any(String) } });
  });

  it('Requests: approval needs stage 1 approvers; stages without approvers are skipped', () => {
    const draft = tutorialDraft('requests');
    const missing = readWizardStep(
      'requests',
      answersFor(draft, { requestors: 'specific', approval_required: 'yes', enabled: 'yes' }),
      draft,
      data(),
    );
    expect(missing).toMatchObject({ ok: false, errors: { approvers: expect.stringContaining('approver') } });
    const ok = readWizardStep(
      'requests',
      answersFor(draft, {
        requestors: 'specific',
        requestor_users: ['U0REQUESTOR1'],
        approval_required: 'yes',
        approvers: ['U0APPROVER1'],
        decide_within_days: '7',
        approvers_3: ['U0ADMIN1'],
        approver_justification_3: ['on'],
        justification: ['on'],
        enabled: 'no',
      }),
      draft,
      data(),
    );
    expect(ok).toMatchObject({
      ok: true,
      draft: {
        requestorUserIds: ['U0REQUESTOR1'],
        approvalRequired: true,
        stages: [
          { approverUserIds: ['U0APPROVER1'], decideWithinDays: 7, justificationRequired: false },
          { approverUserIds: ['U0ADMIN1'], decideWithinDays: 14, justificationRequired: true },
        ],
        justificationRequired: true,
        requestsEnabled: false,
      },
    });
    const days = readWizardStep(
      'requests',
      answersFor(draft, {
        requestors: 'specific',
        approval_required: 'yes',
        approvers: ['U0APPROVER1'],
        decide_within_days: '30',
      }),
      draft,
      data(),
    );
    expect(days).toMatchObject({ ok: false, errors: { decide_within_days: expect.any(String) } });
  });

  it('Requests: up to 100 named people, as a multi-users select holds; more is a field error', () => {
    const draft = tutorialDraft('requests');
    const people = (n: number) => Array.from({ length: n }, (_, i) => uid('U', i));
    const base = { requestors: 'specific', approval_required: 'no', enabled: 'yes' };
    expect(
      readWizardStep('requests', answersFor(draft, { ...base, requestor_users: people(100) }), draft, data()),
    ).toMatchObject({ ok: true, draft: { requestorUserIds: people(100) } });
    expect(
      readWizardStep('requests', answersFor(draft, { ...base, requestor_users: people(101) }), draft, data()),
    ).toEqual({
      ok: false,
      errors: { requestor_users: 'Pick at most 100 people; for more, use a user group.' },
    });
  });

  it('Requestor information: more than three questions, one empty field more each time', () => {
    expect([0, 1, 2, 3, 4, 9, 10].map(questionSlots)).toEqual([3, 3, 3, 4, 5, 10, 10]);
    const asked = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        text: `Question ${i + 1}?`,
        kind: 'text' as const,
        required: false,
        choices: [],
        regex: null,
      }));
    const draft = { ...tutorialDraft('questions'), questions: asked(4) };
    const view = wizardStepView(draft, data(), DRAFT_ID);
    expect(inputs(view).filter((b) => /^question_\d+$/.test(String(b.block_id)))).toHaveLength(5);
    expect(JSON.stringify(view.blocks)).toContain('Another question');
    const answers = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`question_${i + 1}`, `Question ${i + 1}?`]),
    );
    const ok = readWizardStep('questions', answersFor(draft, answers), draft, data());
    expect(ok).toMatchObject({ ok: true, draft: { questions: asked(5) } });
    const full = wizardStepView({ ...draft, questions: asked(10) }, data(), DRAFT_ID);
    expect(JSON.stringify(full.blocks)).not.toContain('Another question');
    expect(errorsOf(full)).toEqual([]);
  });

  it('Requestor information: choices need two, patterns must compile, empty questions are skipped', () => {
    const draft = tutorialDraft('questions');
    expect(readWizardStep('questions', answersFor(draft, {}), draft, data())).toMatchObject({
      ok: true,
      draft: { questions: [] },
    });
    const bad = readWizardStep(
      'questions',
      answersFor(draft, {
        question_1: 'Team?',
        question_1_kind: 'choice',
        question_1_choices: 'Only one',
        question_2: 'Ticket',
        question_2_regex: '([',
      }),
      draft,
      data(),
    );
    expect(bad).toMatchObject({
      ok: false,
      errors: { question_1_choices: expect.any(String), question_2_regex: expect.any(String) },
    });
    const ok = readWizardStep(
      'questions',
      answersFor(draft, {
        question_1: 'Team?',
        question_1_kind: 'choice',
        question_1_choices: 'Red\n Blue \n',
        question_1_required: ['on'],
        question_3: 'Ticket',
        question_3_regex: '^T-\\d+$',
      }),
      draft,
      data(),
    );
    expect(ok).toMatchObject({
      ok: true,
      draft: {
        questions: [
          { text: 'Team?', kind: 'choice', required: true, choices: ['Red', 'Blue'], regex: null },
          { text: 'Ticket', kind: 'text', required: false, choices: [], regex: '^T-\\d+$' },
        ],
      },
    });
  });

  it('Lifecycle: the number goes with its kind, a date must be ahead, specific reviews need reviewers', () => {
    const draft = tutorialDraft('lifecycle');
    const base = { custom_timeline: 'yes', extension_allowed: 'no', access_reviews: 'no' };
    expect(
      readWizardStep('lifecycle', answersFor(draft, { ...base, expiry: 'days' }), draft, data()),
    ).toMatchObject({
      ok: false,
      errors: { expiry_days: expect.any(String) },
    });
    expect(
      readWizardStep(
        'lifecycle',
        answersFor(draft, { ...base, expiry: 'date', expiry_date: '2026-02-01' }),
        draft,
        data(),
      ),
    ).toMatchObject({ ok: false, errors: { expiry_date: 'Pick a date after today.' } });
    expect(
      readWizardStep(
        'lifecycle',
        answersFor(draft, { ...base, expiry: 'never', access_reviews: 'yes', reviewers: 'specific' }),
        draft,
        data(),
      ),
    ).toMatchObject({ ok: false, errors: { reviewer_ids: expect.any(String) } });
    const ok = readWizardStep(
      'lifecycle',
      answersFor(draft, {
        ...base,
        expiry: 'days',
        expiry_days: '30',
        extension_allowed: 'yes',
        extension_approval: 'no',
        extension_max: '2',
        access_reviews: 'yes',
        review_recurrence: '30',
        reviewers: 'self',
        review_default: 'remove',
      }),
      draft,
      data(),
    );
    expect(ok).toMatchObject({
      ok: true,
      draft: {
        expiry: { kind: 'days', days: 30 },
        customTimeline: true,
        extension: { allowed: true, requiresApproval: false, maxCount: 2 },
        review: { recurrenceDays: 30, reviewerMode: 'self', reviewerIds: [], defaultDecision: 'remove' },
      },
    });
  });
});

describe('draft and policy', () => {
  it('the tutorial draft is the tutorial policy', () => {
    const settings = policySettingsSchema.parse(policySettingsFrom(tutorialDraft('review')));
    expect(settings).toMatchObject({
      name: 'Initial policy',
      requestorScope: 'specific',
      requestorUserIds: ['U0REQUESTOR1'],
      approvalStages: [],
      requestsEnabled: true,
      expiry: { kind: 'days', days: 30 },
      customTimeline: true,
      review: null,
    });
  });

  it('an edit draft keeps the stored texts out and the settings it does not show', () => {
    const stored = policySettingsSchema.parse({
      name: 'Contractors',
      questions: [{ id: 'ticket', text: 'Ticket?', kind: 'text' }],
      reminderOffsetsHours: [48],
      approvalStages: [
        { approverUserIds: ['U0APPROVER1'], approverUsergroupIds: ['S0MARKETING'], escalateAfterDays: 3 },
      ],
    });
    const draft = draftFromPackage({
      package: { id: 5, name: 'CRM', description: 'x'.repeat(1500), catalogId: 1, hidden: true },
      resourceRoles: [
        { resourceId: 9, kind: 'slack_usergroup', externalId: 'S0MARKETING', role: 'member' },
        { resourceId: 10, kind: 'webhook', externalId: 'crm', role: 'admin' },
      ],
      policyId: 6,
      settings: stored,
      incompatibleIds: [2],
    });
    expect(draft).toMatchObject({ description: null, questions: null, hidden: true, incompatibleIds: [2] });
    expect(draftFromStore(draftForStore(draft))).toEqual(draft);
    const again = policySettingsSchema.parse(policySettingsFrom(draft, stored));
    expect(again).toEqual(stored);
  });
});
