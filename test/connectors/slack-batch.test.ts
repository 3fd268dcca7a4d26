import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MethodPacer, SLACK_METHOD_LIMITS } from '../../src/connectors/method-pacer.js';
import { ConnectorError, type MembershipChange, type ProvisioningTarget } from '../../src/connectors/port.js';
import { slackChannelConnector } from '../../src/connectors/slack-channel.js';
import { slackUsergroupConnector } from '../../src/connectors/slack-usergroup.js';
import { queryRows } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import { deliverDue, deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { backgroundClient } from '../../src/slack/clients.js';
import { createHeldAssignment } from '../support/assignments.js';
import { makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { insertUser } from '../support/fixtures.js';
import { marketingPackage, useSlackBackedEngine } from '../support/slack-engine.js';

const resource = (
  kind: 'slack_usergroup' | 'slack_channel',
  externalId: string,
  name = 'marketing',
): ProvisioningTarget['resource'] => ({
  id: 1,
  kind,
  externalId,
  name,
  webhookUrl: null,
  webhookSecret: null,
});

const change = (
  action: 'grant' | 'revoke',
  r: ProvisioningTarget['resource'],
  userId: string,
  n = 1,
): MembershipChange => ({
  action,
  target: {
    resource: r,
    role: 'member',
    userId,
    assignmentId: n,
    packageId: 1,
    packageName: 'Marketing Campaign',
    deliveryId: `fulfilment-${n}`,
  },
});

describe('batch connectors against the simulated workspace', () => {
  const fake = new FakeSlack({ seed: woodgroveSeed(), rateLimits: false });
  let client: ReturnType<typeof backgroundClient>;
  const group = resource('slack_usergroup', WOODGROVE.marketingGroup);
  const channel = resource('slack_channel', WOODGROVE.campaignChannel, 'marketing-campaign');
  const people: string[] = [];
  beforeAll(async () => {
    await fake.start();
    client = backgroundClient({ token: SANDBOX_BOT_TOKEN, apiUrl: fake.apiUrl, log: silentLogger });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    people.length = 0;
    for (let i = 0; i < 5; i++) people.push(fake.workspace.addUser({ name: `batch${i}` }).id);
  });

  it('user group: one list and one update for many grants and revokes; members added by hand stay', async () => {
    fake.group(WOODGROVE.marketingGroup).users = [WOODGROVE.admin, people[0]!];
    const outcomes = await slackUsergroupConnector(client).applyBatch!(group, [
      change('grant', group, people[1]!),
      change('grant', group, people[2]!),
      change('revoke', group, people[0]!),
      change('revoke', group, people[3]!), // not a member: nothing to do
      change('grant', group, people[2]!), // twice in one batch
    ]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual(
      [WOODGROVE.admin, people[1]!, people[2]!].sort(),
    );
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(1);
    expect(fake.callsTo('usergroups.users.update')).toHaveLength(1);
  });

  it('user group: nothing to change makes no update', async () => {
    fake.group(WOODGROVE.marketingGroup).users = [people[0]!];
    await slackUsergroupConnector(client).applyBatch!(group, [
      change('grant', group, people[0]!),
      change('revoke', group, people[1]!),
    ]);
    expect(fake.callsTo('usergroups.users.update')).toHaveLength(0);
  });

  it('user group: the last members out disable it; the next batch enables it with only its grants', async () => {
    const groups = slackUsergroupConnector(client);
    fake.group(WOODGROVE.marketingGroup).users = [people[0]!, people[1]!];
    await groups.applyBatch!(group, [
      change('revoke', group, people[0]!),
      change('revoke', group, people[1]!),
    ]);
    expect(fake.group(WOODGROVE.marketingGroup).disabled).toBe(true);
    expect(fake.callsTo('usergroups.disable')).toHaveLength(1);
    expect(fake.callsTo('usergroups.users.update')).toHaveLength(0);

    // Slack keeps the last members on a disabled group's list: they must not come back.
    await groups.applyBatch!(group, [change('grant', group, people[2]!), change('grant', group, people[3]!)]);
    expect(fake.group(WOODGROVE.marketingGroup).disabled).toBe(false);
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual([people[2]!, people[3]!].sort());
    expect(fake.callsTo('usergroups.enable')).toHaveLength(1);
    expect(fake.callsTo('usergroups.users.update').filter((c) => c.ok)).toHaveLength(1);
  });

  it('user group: a refused user Slack names fails alone; an outage fails the whole batch', async () => {
    const groups = slackUsergroupConnector(client);
    const outcomes = await groups.applyBatch!(group, [
      change('grant', group, people[0]!),
      change('grant', group, 'U0NOBODY'),
    ]);
    expect(outcomes[0]).toEqual({ ok: true });
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'invalid_users' } });
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([people[0]!]);

    fake.failNext('usergroups.users.update', { status: 503 });
    const error = await groups.applyBatch!(group, [change('grant', group, people[1]!)]).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(true);
  });

  it('user group: a 429 carries its Retry-After', async () => {
    fake.failNext('usergroups.users.list', { status: 429, retryAfter: 7 });
    const error = await slackUsergroupConnector(client).applyBatch!(group, [
      change('grant', group, people[0]!),
    ]).catch((e) => e);
    expect(error).toMatchObject({ code: 'ratelimited', retryable: true, retryAfterMs: 7_000 });
  });

  it('channel: one invite for every grant; a member already in is a success; a refused user fails alone', async () => {
    fake.workspace.channels.get(WOODGROVE.campaignChannel)!.members.push(people[0]!);
    fake.workspace.user(people[3]!).deleted = true;
    const outcomes = await slackChannelConnector(client).applyBatch!(channel, [
      change('grant', channel, people[0]!),
      change('grant', channel, people[1]!),
      change('grant', channel, people[2]!),
      change('grant', channel, people[3]!),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
    expect(outcomes[3]).toMatchObject({ error: { code: 'user_is_deactivated', retryable: false } });
    expect(fake.channelMembers(WOODGROVE.campaignChannel)).toEqual(
      expect.arrayContaining([people[0]!, people[1]!, people[2]!]),
    );
    expect(fake.channelMembers(WOODGROVE.campaignChannel)).not.toContain(people[3]!);
    // The refused call, then the others again without the users Slack named.
    expect(fake.callsTo('conversations.invite')).toHaveLength(2);
  });

  it('channel: revokes are one kick each, a non-member is a success', async () => {
    fake.workspace.channels.get(WOODGROVE.campaignChannel)!.members.push(people[0]!);
    const outcomes = await slackChannelConnector(client).applyBatch!(channel, [
      change('revoke', channel, people[0]!),
      change('revoke', channel, people[1]!),
    ]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(fake.callsTo('conversations.kick')).toHaveLength(2);
    expect(fake.channelMembers(WOODGROVE.campaignChannel)).not.toContain(people[0]!);
  });
});

describe('MethodPacer', () => {
  it('lets a burst through, then spaces calls at the rate; a 429 holds the method until its Retry-After', async () => {
    const clock = new ManualClock();
    const waits: number[] = [];
    const pacer = new MethodPacer(SLACK_METHOD_LIMITS, clock, async (ms) => {
      waits.push(ms);
      clock.advanceSeconds(ms / 1000);
    });
    for (let i = 0; i < 18; i++) await pacer.acquire('usergroups.users.update');
    expect(waits).toEqual([]);
    await pacer.acquire('usergroups.users.update');
    expect(waits).toEqual([Math.ceil(60_000 / 18)]);
    // Another method has its own bucket.
    await pacer.acquire('usergroups.users.list');
    expect(waits).toHaveLength(1);
    pacer.rateLimited('usergroups.users.list', 30_000);
    await pacer.whenReady('usergroups.users.list');
    expect(waits.slice(1).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30_000);
  });
});

describe(`batched user group delivery (${databaseLabel})`, () => {
  const t = useSlackBackedEngine({ poolSize: 8 });
  let marketing: Awaited<ReturnType<typeof marketingPackage>> | undefined;
  const aPackage = async () => {
    if (!marketing) {
      marketing = await marketingPackage(t);
      return marketing.pkg;
    }
    return makePackage(t.deps, { resource: marketing.resource });
  };

  it('a 429 is no failed try: the batch is re-queued at Retry-After with its attempts as they were', async () => {
    const { fake, slackDeps: deps } = t;
    fake.reset();
    const pkg = await aPackage();
    const users = await Promise.all(Array.from({ length: 3 }, () => insertUser(t.database.db)));
    for (const id of users) fake.workspace.addUser({ id, name: id.toLowerCase() });
    const created = [];
    for (const userId of users) created.push(await createHeldAssignment(deps, pkg, userId));
    const ids = created.flatMap((c) => c.fulfilmentIds);
    fake.failNext('usergroups.users.update', { status: 429, retryAfter: 7 });

    const report = await deliverFulfilments(deps, ids);
    expect(report).toMatchObject({ delivered: 0, failed: 0, deferred: 3 });
    const rows = await queryRows<{ state: string; attempts: number; due_in_ms: number }>(
      t.database.db,
      sql`select state, attempts, extract(epoch from (next_attempt_at - ${deps.clock.now()})) * 1000 as due_in_ms
            from fulfilments where id = any(${`{${ids.join(',')}}`}::int[])`,
    );
    for (const row of rows) {
      expect(row.state).toBe('pending');
      expect(row.attempts).toBe(0);
      expect(Number(row.due_in_ms)).toBeCloseTo(7_000, -2);
    }
    expect(await deliverDue(deps)).toMatchObject({ claimed: 0 });
    t.clock.advanceSeconds(7);
    expect(await deliverDue(deps)).toMatchObject({ claimed: 3, delivered: 3 });
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual([...users].sort());
  });

  it('a batch refused for good without naming the user is split until the one bad account fails alone', async () => {
    const { fake, slackDeps } = t;
    fake.reset();
    const pkg = await aPackage();
    const users = await Promise.all(Array.from({ length: 8 }, () => insertUser(t.database.db)));
    for (const id of users) fake.workspace.addUser({ id, name: id.toLowerCase() });
    const bad = users[5]!;
    // Real Slack's invalid_users may not say who: any batch holding the bad account is refused whole.
    const real = slackDeps.connectors.slack_usergroup;
    const batches: number[] = [];
    const deps = {
      ...slackDeps,
      connectors: {
        ...slackDeps.connectors,
        slack_usergroup: {
          ...real,
          async applyBatch(r: ProvisioningTarget['resource'], changes: readonly MembershipChange[]) {
            batches.push(changes.length);
            if (changes.some((c) => c.target.userId === bad)) {
              throw new ConnectorError(
                'usergroups.users.update failed (invalid_users).',
                false,
                'invalid_users',
              );
            }
            return real.applyBatch!(r, changes);
          },
        },
      },
    };
    const created = [];
    for (const userId of users) created.push(await createHeldAssignment(deps, pkg, userId));
    const report = await deliverFulfilments(
      deps,
      created.flatMap((c) => c.fulfilmentIds),
    );
    expect(report).toMatchObject({ delivered: 7, abandoned: 1 });
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual(users.filter((u) => u !== bad).sort());
    // 8 refused → the first 4 go through, the last 4 are refused → its first 2 (holding the bad
    // account) are refused → 1 and 1 → then the last 2: seven calls, and nobody else is lost.
    expect(batches).toEqual([8, 4, 4, 2, 1, 1, 2]);
  });

  it('fifty concurrent deliveries to one group coalesce into a few updates', async () => {
    const { fake, slackDeps: deps } = t;
    fake.reset();
    const pkg = await aPackage();
    const users = await Promise.all(Array.from({ length: 50 }, () => insertUser(t.database.db)));
    for (const id of users) fake.workspace.addUser({ id, name: id.toLowerCase() });
    const created = await Promise.all(users.map((userId) => createHeldAssignment(deps, pkg, userId)));
    const reports = await Promise.all(created.map((c) => deliverFulfilments(deps, c.fulfilmentIds)));
    expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(50);
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual([...users].sort());
    expect(fake.callsTo('usergroups.users.update').length).toBeLessThanOrEqual(5);
  });
});
