import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfilments, outbox } from '../../src/db/schema.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { MARKETING_GROUP, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import { packageWith, requestsOf, uniqueName } from './requests-support.js';

/**
 * Slack failing while Gatehouse works, through the simulated workspace: DMs answered 429 and 503
 * are retried (Retry-After, backoff) and arrive once; a user group update answered 503 leaves the
 * request partially delivered until the retry puts the person in.
 */
describe(`Slack failing during delivery (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  /** A person of the workspace who has never used Gatehouse. */
  function newPerson(name: string): string {
    return s.fake.workspace.addUser({ name, real_name: name }).id;
  }

  async function request(userId: string, packageName: string) {
    await s.command(userId, `request ${packageName}`);
    expect(s.fake.openModal(userId)?.title.text).toBe('Request access');
    const { ack } = await s.submit({ userId, answers: {} });
    expect(ack).toBeNull();
  }

  async function queuedFor(userId: string) {
    return s.gatehouse.deps.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.recipient, userId))
      .orderBy(outbox.id);
  }

  it('chat.postMessage answered 429 three times and 503 twice: every DM arrives once', async () => {
    const person = newPerson('dana');
    const pkg = await packageWith(s, uniqueName('Campaign Drafts'), { justificationRequired: false });
    const postsBefore = s.fake.callsTo('chat.postMessage').length;
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, 3);
    s.fake.failNext('chat.postMessage', { status: 503 }, 2);

    await request(person, pkg.name);
    const [req] = await requestsOf(s, person, pkg.id);
    expect(req!.state).toBe('delivered');
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).toContain(person);
    // The retries fall due on the test clock (Retry-After 2 s; 5 s backoff after a 503).
    await s.advance(60);

    const posts = s.fake.callsTo('chat.postMessage').slice(postsBefore);
    expect(posts.filter((c) => c.error === 'ratelimited')).toHaveLength(3);
    expect(posts.filter((c) => c.error === 'http_503')).toHaveLength(2);
    const queued = await queuedFor(person);
    expect(queued.map((q) => q.kind)).toContain('access_delivered');
    for (const row of queued) {
      expect(row.sentAt, `${row.kind} sent`).not.toBeNull();
      expect(row.deadAt).toBeNull();
    }
    const received = s.fake.messagesTo(person);
    expect(received).toHaveLength(queued.length);
    expect(received.filter((m) => m.text.includes('You now have access to'))).toHaveLength(1);
    // The first DM goes to the user id, the others to the DM channel Slack answered with.
    const toPerson = [person, s.fake.workspace.dms.get(person)];
    expect(posts.filter((c) => c.ok && toPerson.includes(String(c.args.channel)))).toHaveLength(
      queued.length,
    );
  });

  it('usergroups.users.update answered 503: partially delivered, then Delivered after the retry, in both', async () => {
    const person = newPerson('erin');
    const name = uniqueName('Campaign Launch');
    const { packageId } = await makePackage(s.gatehouse.deps, {
      name,
      resourceRoles: [
        MARKETING_GROUP,
        {
          resource: {
            kind: 'slack_channel',
            externalId: WOODGROVE.campaignChannel,
            name: 'marketing-campaign',
          },
        },
      ],
      policy: { requestorScope: 'all_members', justificationRequired: false },
    });
    s.fake.failNext('usergroups.users.update', { status: 503 });

    await request(person, name);
    const [req] = await requestsOf(s, person, packageId);
    expect(req!.state).toBe('partially_delivered');
    expect(s.fake.channelMembers(WOODGROVE.campaignChannel)).toContain(person);
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).not.toContain(person);
    const failed = await s.gatehouse.deps.database.db
      .select()
      .from(fulfilments)
      .where(
        and(eq(fulfilments.userId, person), eq(fulfilments.state, 'failed'), gt(fulfilments.attempts, 0)),
      );
    expect(failed).toHaveLength(1);
    expect(failed[0]!.lastError).toContain('http_503');
    const partial = s.fake.messagesTo(person).filter((m) => m.text.includes('could not be set up yet'));
    expect(partial).toHaveLength(1);
    expect(partial[0]!.text).toContain(name);

    await s.advance(120);
    const [after] = await requestsOf(s, person, packageId);
    expect(after!.state).toBe('delivered');
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).toContain(person);
    expect(s.fake.channelMembers(WOODGROVE.campaignChannel)).toContain(person);
    const updates = s.fake
      .callsTo('usergroups.users.update')
      .filter((c) => String(c.args.users).split(',').includes(person));
    expect(updates.map((c) => c.status)).toEqual([503, 200]);
    expect(s.fake.messagesTo(person).filter((m) => m.text.includes('You now have access to'))).toHaveLength(
      1,
    );
  });
});
