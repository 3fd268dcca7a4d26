import { ACTION } from '../../views/ids.js';
import { parseExposition, sumOf } from '../metrics/exposition.js';
import {
  buttonBeside,
  buttonBlock,
  buttonsOf,
  clickEphemeral,
  openHome,
  optionValue,
  textOf,
  wizardOf,
} from '../sandbox/driver.js';
import { GatehouseSandbox, type SandboxOptions } from '../sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../sandbox/seeds.js';
import { Stage } from './stage.js';
import { DemoStepFailed, Transcript } from './transcript.js';

/**
 * `npm run demo`: Microsoft's entitlement-management tutorial played in Slack, in one process,
 * with nothing installed or running: the real app (Bolt over HTTP on a local port, embedded
 * PGlite in memory, the jobs, the test clock) against the simulated Woodgrove Bank workspace.
 * People act through signed requests, exactly as the Slack tests drive it (src/sandbox/driver.ts);
 * what they see is read back from what Slack was asked to show. Every step checks its outcome.
 */

export interface DemoOptions {
  write: (line: string) => void;
  sandbox?: SandboxOptions;
  /** Test seam: runs once the sandbox is up, before the story (to make Slack fail, say). */
  onStart?: (s: GatehouseSandbox) => void;
}

export interface DemoResult {
  ok: boolean;
  /** The step that broke, and how. */
  failedStep?: string;
  error?: string;
  seconds: number;
  lines: string[];
}

const DAY = 86_400;
const { admin, requestor, approver, marketingGroup, campaignChannel } = WOODGROVE;
const FIRST = 'Marketing Campaign';
const SECOND = 'Campaign Budget';

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const t = new Transcript(options.write);
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const s = new GatehouseSandbox(options.sandbox ?? {});
  try {
    t.line('Gatehouse demo: the entitlement-management tutorial, played in Slack by Woodgrove Bank');
    await s.start();
    t.line(
      `The real app on ${s.origin} (Bolt over HTTP, ${s.gatehouse.database.kind === 'pglite' ? 'embedded PGlite in memory' : 'PostgreSQL'}, test clock) against a simulated Slack workspace.`,
    );
    options.onStart?.(s);
    const play = new Play(s, t);
    await play.setUp();
    await play.createPackage();
    await play.requestAccess();
    await play.validate();
    await play.approvalPackage();
    await play.thirtyOneDaysLater();
    await play.cleanUp();
    await play.summary(seconds());
    return { ok: true, seconds: seconds(), lines: t.lines };
  } catch (error) {
    const step = error instanceof DemoStepFailed ? error.step : t.step;
    const message = error instanceof Error ? error.message : String(error);
    t.line();
    t.line(`✗ ${step} broke: ${message}`);
    return { ok: false, failedStep: step, error: message, seconds: seconds(), lines: t.lines };
  } finally {
    await s.stop().catch(() => undefined);
  }
}

/** The story, step by step; each method is one part of the tutorial and checks what it shows. */
class Play extends Stage {
  async setUp(): Promise<void> {
    const { t } = this;
    t.begin(
      'Step 1 — Set up users and group',
      'Woodgrove Bank\'s Slack workspace stands in for the directory; a user group is the "Marketing resources" group.',
    );
    t.state('Admin1', `${admin}, a global admin of Gatehouse (ADMIN_USER_IDS)`);
    t.state('Requestor1', `${requestor}, a member`);
    t.state('Approver1', `${approver}, a member`);
    this.groupState();
    this.channelState();
    t.check(this.groupMembers().length === 0, 'the Marketing resources group to start empty');
  }

  async createPackage(): Promise<void> {
    const { t, s } = this;
    t.begin(
      'Step 2 — Create an access package',
      `Admin1 makes "${FIRST}" in the General catalog with the package wizard (the tutorial's tabs).`,
    );
    await this.command(admin, 'package new', { show: false });
    const basics = wizardOf(s, admin).view;
    await this.wizardStep('basics', {
      name: FIRST,
      description: 'Access to resources for the campaign',
      catalog: optionValue(basics, 'catalog', 'General'),
    });
    await this.wizardStep('resources', { resources: [marketingGroup], role: 'member' });
    await this.wizardStep('requests', {
      requestors: 'specific',
      requestor_users: [requestor],
      approval_required: 'no',
      enabled: 'yes',
    });
    await this.wizardStep('questions', {});
    await this.wizardStep('lifecycle', {
      expiry: 'days',
      expiry_days: '30',
      custom_timeline: 'yes',
      access_reviews: 'no',
    });
    const created = await this.reviewAndCreate('Create');
    t.check(created.includes(`*${FIRST}* was created in *General*`), `"${FIRST} was created in General"`);
  }

  async requestAccess(): Promise<void> {
    const { t, s } = this;
    t.begin(
      'Step 3 — Request access',
      'Requestor1 finds the package with /access list (the My Access portal) and asks for it.',
    );
    const dmsBefore = s.fake.messagesTo(requestor).length;
    const list = await this.command(requestor, 'list');
    t.check(textOf(list.blocks).includes(FIRST), `/access list to offer ${FIRST}`);
    t.act('Requestor1', `clicks [Request] beside ${FIRST}`);
    await clickEphemeral(s, {
      userId: requestor,
      reply: list,
      actionId: ACTION.requestPackage,
      value: buttonBeside(list.blocks, `*${FIRST}*`, ACTION.requestPackage),
    });
    await this.submitModal(requestor, 'Request access', {
      justification: "I'm working on the new marketing campaign",
    });
    t.check(s.fake.openModal(requestor) === undefined, 'the request modal to close on success');
    const dms = this.dmsSince(requestor, dmsBefore);
    t.check(
      dms.some((m) => m.text.includes('You now have access to') && m.text.includes(FIRST)),
      `a DM telling Requestor1 they now have access to ${FIRST}`,
    );
    const history = await this.command(requestor, 'history');
    t.check(
      textOf(history.blocks).includes(FIRST) && textOf(history.blocks).includes('Delivered'),
      'the request history to say Delivered',
    );
    t.act('Requestor1', 'opens the Home tab of Gatehouse');
    const home = await openHome(s, requestor);
    t.sees('Requestor1', 'on the Home tab (My Access)', this.homeSections(home));
    t.check(textOf(home.blocks).includes(`*${FIRST}* — until`), `${FIRST} under "My access" on the Home tab`);
    this.groupState();
    t.check(this.groupMembers().includes(requestor), 'Requestor1 in Marketing resources');
  }

  async validate(): Promise<void> {
    const { t } = this;
    t.begin(
      'Step 4 — Validate that access has been assigned',
      'Admin1 looks at the requests of the package.',
    );
    const requests = await this.command(admin, `requests ${FIRST}`);
    const text = textOf(requests.blocks);
    t.check(
      text.includes(`<@${requestor}>`) && text.includes('Initial policy') && text.includes('Delivered'),
      'Requestor1 with the Initial policy, Delivered',
    );
    this.groupState();
    t.check(this.groupMembers().includes(requestor), 'Requestor1 listed as a member');
  }

  async approvalPackage(): Promise<void> {
    const { t, s } = this;
    t.begin(
      'Beyond the tutorial — A package that needs approval',
      `Admin1 makes "${SECOND}" (the #marketing-campaign channel) with one approval stage: Approver1.`,
    );
    await this.command(admin, 'package new', { show: false });
    const basics = wizardOf(s, admin).view;
    await this.wizardStep('basics', {
      name: SECOND,
      description: 'The campaign budget channel',
      catalog: optionValue(basics, 'catalog', 'General'),
    });
    await this.wizardStep('resources', { resources: [], channels: [campaignChannel], role: 'member' });
    await this.wizardStep('requests', {
      requestors: 'specific',
      requestor_users: [requestor],
      approval_required: 'yes',
      approvers: [approver],
      enabled: 'yes',
    });
    await this.wizardStep('questions', {});
    await this.wizardStep('lifecycle', {
      expiry: 'days',
      expiry_days: '30',
      custom_timeline: 'no',
      access_reviews: 'no',
    });
    const created = await this.reviewAndCreate('Create');
    t.check(created.includes(`*${SECOND}* was created`), `"${SECOND} was created"`);

    const approverBefore = s.fake.messagesTo(approver).length;
    const requestorBefore = s.fake.messagesTo(requestor).length;
    await this.command(requestor, `request ${SECOND}`, { show: false });
    await this.submitModal(requestor, 'Request access', { justification: 'I prepare the budget review' });
    t.check(s.fake.openModal(requestor) === undefined, 'the request modal to close on success');
    this.dmsSince(requestor, requestorBefore);
    const card = s.fake
      .messagesTo(approver)
      .slice(approverBefore)
      .find((m) => JSON.stringify(m.blocks).includes(SECOND));
    t.check(card, `a request card for ${SECOND} in Approver1's DM`);
    this.showDm('Approver1', card!);
    t.check(
      buttonsOf(card!.blocks)
        .map((b) => b.action_id)
        .includes(ACTION.approveRequest),
      'an Approve button on the card',
    );
    t.check(!s.fake.channelMembers(campaignChannel).includes(requestor), 'no access before the approval');

    const requestorBeforeClick = s.fake.messagesTo(requestor).length;
    t.act('Approver1', 'clicks [Approve] on the card');
    await s.click({
      userId: approver,
      messageTs: card!.ts,
      blockId: buttonBlock(card!, ACTION.approveRequest),
      actionId: ACTION.approveRequest,
    });
    const decided = s.fake.messagesTo(approver).find((m) => m.ts === card!.ts)!;
    t.sees('Approver1', `the card, updated (${decided.updates.length} update(s))`, this.read(decided));
    t.check(textOf(decided.blocks).includes(`Approved by <@${approver}>`), 'the card to say who approved');
    t.check(buttonsOf(decided.blocks).length === 0, 'no buttons left on a decided card');
    const told = this.dmsSince(requestor, requestorBeforeClick);
    t.check(
      told.some((m) => m.text.includes(`You now have access to ${SECOND}`)),
      `a DM telling Requestor1 they now have access to ${SECOND}`,
    );
    this.channelState();
    t.check(s.fake.channelMembers(campaignChannel).includes(requestor), 'Requestor1 in #marketing-campaign');
    const home = s.fake.homeView(requestor);
    if (home) {
      t.sees('Requestor1', 'on the Home tab, refreshed by Gatehouse', this.homeSections(home, 'My access'));
      t.check(textOf(home.blocks).includes(`*${SECOND}* — until`), `${SECOND} on the refreshed Home tab`);
    }
  }

  async thirtyOneDaysLater(): Promise<void> {
    const { t, s } = this;
    t.begin(
      'Beyond the tutorial — 31 days later',
      'The test clock jumps 31 days, stepping through every due time: reminders at 14 and 1 days, then expiry.',
    );
    const before = s.fake.messagesTo(requestor).length;
    const now = await s.advance(31 * DAY);
    t.note(`(domain time is now ${now.slice(0, 16).replace('T', ' ')} UTC)`);
    const dms = this.dmsSince(requestor, before);
    const about = (name: string, words: string) =>
      dms.filter((m) => m.text.includes(name) && m.text.includes(words)).length;
    t.check(about(FIRST, 'ends') === 2, `two reminders that ${FIRST} ends (14 days and 1 day before)`);
    t.check(about(FIRST, 'has expired') === 1, `a DM that ${FIRST} has expired`);
    t.check(about(SECOND, 'has expired') === 1, `a DM that ${SECOND} has expired`);
    this.groupState();
    this.channelState();
    t.check(!this.groupMembers().includes(requestor), 'Requestor1 out of Marketing resources');
    t.check(
      !s.fake.channelMembers(campaignChannel).includes(requestor),
      'Requestor1 out of #marketing-campaign',
    );
    const history = await this.command(requestor, 'history');
    t.check(textOf(history.blocks).includes('Expired'), 'the history to say Expired');
  }

  async cleanUp(): Promise<void> {
    const { t, s } = this;
    t.begin(
      'Step 5 — Clean up resources',
      'The access ran out on its own; Admin1 gives it back directly, so there is access to remove, as in the tutorial.',
    );
    const dmsBefore = s.fake.messagesTo(requestor).length;
    const assigned = await this.command(admin, `assign <@${requestor}> ${FIRST}`);
    t.check(!assigned.text.includes(':no_entry:'), 'the direct assignment to be accepted');
    this.groupState();
    t.check(this.groupMembers().includes(requestor), 'Requestor1 back in Marketing resources');

    const assignments = await this.command(admin, `assignments ${FIRST}`);
    t.act('Admin1', 'clicks [Remove] beside Requestor1, then Remove in "Remove access?"');
    const { responseUrl } = await clickEphemeral(s, {
      userId: admin,
      reply: assignments,
      actionId: ACTION.removeAssignment,
    });
    const answers = s.fake.responses(responseUrl).map((r) => r.body as { text?: string; blocks?: unknown[] });
    t.sees(
      'Admin1',
      'the answer',
      answers.flatMap((a) => this.read(a)),
    );
    const dms = this.dmsSince(requestor, dmsBefore);
    t.check(
      dms.some((m) => m.text.includes(`Your access to ${FIRST} was removed by an admin`)),
      'a DM telling Requestor1 an admin removed their access',
    );
    this.groupState();
    t.check(!this.groupMembers().includes(requestor), 'Requestor1 out of Marketing resources');
    const history = await this.command(requestor, 'history');
    t.check(textOf(history.blocks).includes('Removed'), 'the history to say Removed');

    t.note('Remove the resource role: the wizard again, with nothing picked on Resource roles.');
    await this.command(admin, `package edit ${FIRST}`, { show: false });
    await this.wizardStep('basics', {});
    await this.wizardStep('resources', { resources: [] });
    for (const step of ['requests', 'questions', 'lifecycle'] as const) await this.wizardStep(step, {});
    const saved = await this.reviewAndCreate('Save');
    t.check(saved.includes('Removed *Marketing resources* — Member'), 'the resource role to be removed');

    const deleted = await this.command(admin, `package delete ${FIRST}`);
    t.check(!deleted.text.includes(':no_entry:'), `${FIRST} to be deleted`);
    const list = await this.command(requestor, 'list');
    t.check(!textOf(list.blocks).includes(FIRST), `${FIRST} gone from /access list`);
    t.note('(Steps 5.9–5.10 delete the directory users and the group: in Slack those stay.)');
  }

  async summary(seconds: number): Promise<void> {
    const { t, s } = this;
    t.begin('Operating it', 'What GET /metrics says after the story:');
    const response = await fetch(`${s.origin}/metrics`);
    t.check(response.status === 200, 'GET /metrics to answer 200');
    const samples = parseExposition(await response.text());
    const requests = (outcome: string) => sumOf(samples, 'gatehouse_slack_requests_total', { outcome });
    t.state(
      'Slack requests',
      `${requests('ok')} ok, ${requests('refused')} refused, ${requests('error')} errors`,
    );
    t.state(
      'Grants and revokes',
      `${sumOf(samples, 'gatehouse_deliveries_total', { outcome: 'delivered' })} delivered, ${sumOf(samples, 'gatehouse_deliveries_total', { outcome: 'failed' })} failed`,
    );
    t.state('DMs sent', String(sumOf(samples, 'gatehouse_notifications_total', { outcome: 'sent' })));
    t.state('Outbox backlog', String(sumOf(samples, 'gatehouse_outbox_backlog')));
    t.check(requests('error') === 0, 'no Slack request to have failed');
    t.line();
    t.line(`✓ The tutorial played end to end in ${seconds} s.`);
  }
}
