import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, type ProvisioningTarget } from '../../src/connectors/port.js';
import { slackChannelConnector } from '../../src/connectors/slack-channel.js';
import { slackUsergroupConnector } from '../../src/connectors/slack-usergroup.js';
import { silentLogger } from '../../src/logger.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import { deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { backgroundClient } from '../../src/slack/clients.js';
import { createHeldAssignment } from '../support/assignments.js';
import { databaseLabel } from '../support/db.js';
import { insertUser } from '../support/fixtures.js';
import { marketingPackage, useSlackBackedEngine } from '../support/slack-engine.js';

const target = (
  kind: 'slack_usergroup' | 'slack_channel',
  externalId: string,
  userId: string,
  name = 'marketing',
): ProvisioningTarget => ({
  resource: { id: 1, kind, externalId, name, webhookUrl: null, webhookSecret: null },
  role: 'member',
  userId,
  assignmentId: 1,
  packageId: 1,
  packageName: 'Marketing Campaign',
  deliveryId: 'fulfilment-1',
});

describe('Slack connectors against the simulated workspace', () => {
  const fake = new FakeSlack({ seed: woodgroveSeed(), rateLimits: false });
  let client: ReturnType<typeof backgroundClient>;
  beforeAll(async () => {
    await fake.start();
    client = backgroundClient({ token: SANDBOX_BOT_TOKEN, apiUrl: fake.apiUrl, log: silentLogger });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('user group: grant keeps the members Gatehouse did not add, revoke takes out only the user', async () => {
    const groups = slackUsergroupConnector(client);
    await groups.grant(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.admin));
    await groups.grant(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor));
    await groups.grant(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor));
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual(
      [WOODGROVE.admin, WOODGROVE.requestor].sort(),
    );
    await groups.revoke(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor));
    await groups.revoke(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor));
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.admin]);
  });

  it('user group: the last member leaving disables the group; the next grant enables it again', async () => {
    const groups = slackUsergroupConnector(client);
    await groups.grant(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor));
    await groups.revoke(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor));
    expect(fake.callsTo('usergroups.users.update').filter((c) => c.ok === false)).toEqual([]);
    expect(fake.group(WOODGROVE.marketingGroup).disabled).toBe(true);
    await groups.grant(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.approver));
    expect(fake.group(WOODGROVE.marketingGroup).disabled).toBe(false);
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.approver]);
  });

  it('user group: a failed update is retryable; a missing group is not, and says what to do', async () => {
    const groups = slackUsergroupConnector(client);
    fake.failNext('usergroups.users.update', { status: 503 });
    const outage = await groups
      .grant(target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.requestor))
      .catch((e) => e);
    expect(outage).toBeInstanceOf(ConnectorError);
    expect((outage as ConnectorError).retryable).toBe(true);
    const missing = await groups
      .grant(target('slack_usergroup', 'S0NOSUCH', WOODGROVE.requestor))
      .catch((e) => e);
    expect((missing as ConnectorError).retryable).toBe(false);
    expect((missing as ConnectorError).message).toContain('no longer exists');
  });

  it('channel: invite and kick are idempotent', async () => {
    const channels = slackChannelConnector(client);
    const t = target('slack_channel', WOODGROVE.campaignChannel, WOODGROVE.requestor, 'marketing-campaign');
    await channels.grant(t);
    await channels.grant(t);
    expect(fake.channelMembers(WOODGROVE.campaignChannel)).toContain(WOODGROVE.requestor);
    await channels.revoke(t);
    await channels.revoke(t);
    expect(fake.channelMembers(WOODGROVE.campaignChannel)).not.toContain(WOODGROVE.requestor);
  });

  it('channel: one the bot is not in fails for good, telling an admin to invite the app', async () => {
    const channels = slackChannelConnector(client);
    const error = await channels
      .grant(target('slack_channel', WOODGROVE.botlessChannel, WOODGROVE.requestor, 'random'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(false);
    expect((error as ConnectorError).message).toMatch(/invite the Gatehouse app|invite it/);
  });

  it('a rate-limited call is retryable', async () => {
    fake.failNext('conversations.invite', { status: 429, retryAfter: 1 });
    const error = await slackChannelConnector(client)
      .grant(target('slack_channel', WOODGROVE.campaignChannel, WOODGROVE.requestor))
      .catch((e) => e);
    expect((error as ConnectorError).retryable).toBe(true);
  });
});

describe(`user group delivery under concurrency (${databaseLabel})`, () => {
  const t = useSlackBackedEngine({ poolSize: 8 });

  it('20 concurrent grants to one user group leave all 20 in it, and earlier members stay', async () => {
    const { fake, slackDeps: deps } = t;
    await slackUsergroupConnector(t.client).grant(
      target('slack_usergroup', WOODGROVE.marketingGroup, WOODGROVE.admin),
    );
    const { pkg } = await marketingPackage(t);
    const users = await Promise.all(Array.from({ length: 20 }, () => insertUser(t.database.db)));
    for (const id of users) fake.workspace.addUser({ id, name: id.toLowerCase() });
    const created = await Promise.all(users.map((userId) => createHeldAssignment(deps, pkg, userId)));
    // Twenty separate deliveries at once, as twenty approvals would start them.
    await Promise.all(created.map((c) => deliverFulfilments(deps, c.fulfilmentIds)));
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual([WOODGROVE.admin, ...users].sort());
  });
});
