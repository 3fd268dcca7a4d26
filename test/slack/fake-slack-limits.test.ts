import { ErrorCode, type WebAPIHTTPError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import { clientFor, refusal } from './support.js';

const modal = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Request access' },
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Hello' } }],
};

async function rejection(call: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('Expected the call to fail.');
}

describe('fake Slack: triggers', () => {
  const wall = new ManualClock();
  const fake = new FakeSlack({ seed: woodgroveSeed(), wallClock: wall, rateLimits: false });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('opens a modal once per trigger, for the person who acted', async () => {
    const client = clientFor(fake);
    const trigger = fake.issueTriggerId(WOODGROVE.requestor);
    const opened = await client.views.open({ trigger_id: trigger, view: modal });
    expect(fake.openModal(WOODGROVE.requestor)?.id).toBe(opened.view?.id);

    expect((await refusal(client.views.open({ trigger_id: trigger, view: modal }))).error).toBe(
      'invalid_trigger_id',
    );
    expect((await refusal(client.views.open({ trigger_id: '1.2.3', view: modal }))).error).toBe(
      'invalid_trigger_id',
    );
  });

  it('accepts a trigger 3 s after issue and refuses it after that', async () => {
    const client = clientFor(fake);
    const inTime = fake.issueTriggerId(WOODGROVE.requestor);
    const late = fake.issueTriggerId(WOODGROVE.requestor);
    wall.advanceSeconds(3);
    await expect(client.views.open({ trigger_id: inTime, view: modal })).resolves.toMatchObject({ ok: true });
    wall.advanceSeconds(0.001);
    expect((await refusal(client.views.open({ trigger_id: late, view: modal }))).error).toBe(
      'expired_trigger_id',
    );
  });

  it('pushes only with a trigger from inside the open modal, at most three views deep', async () => {
    const client = clientFor(fake);
    const root = await client.views.open({ trigger_id: fake.issueTriggerId(WOODGROVE.admin), view: modal });
    const rootId = root.view?.id as string;
    const fromOutside = await refusal(
      client.views.push({ trigger_id: fake.issueTriggerId(WOODGROVE.admin), view: modal }),
    );
    expect(fromOutside.error).toBe('invalid_trigger_id');

    const second = await client.views.push({
      trigger_id: fake.issueTriggerId(WOODGROVE.admin, rootId),
      view: modal,
    });
    expect(second.view).toMatchObject({ root_view_id: rootId, previous_view_id: rootId });
    await client.views.push({ trigger_id: fake.issueTriggerId(WOODGROVE.admin, rootId), view: modal });
    const fourth = await refusal(
      client.views.push({ trigger_id: fake.issueTriggerId(WOODGROVE.admin, rootId), view: modal }),
    );
    expect(fourth.error).toBe('push_limit_reached');
  });

  it('updates a view by id, refuses a stale hash, and refuses a closed modal', async () => {
    const client = clientFor(fake);
    const opened = await client.views.open({ trigger_id: fake.issueTriggerId(WOODGROVE.admin), view: modal });
    const id = opened.view?.id as string;
    const loading = { ...modal, title: { type: 'plain_text' as const, text: 'Done' } };
    const updated = await client.views.update({
      view_id: id,
      hash: opened.view?.hash as string,
      view: loading,
    });
    expect(fake.lastView(WOODGROVE.admin)?.title.text).toBe('Done');
    expect(
      (await refusal(client.views.update({ view_id: id, hash: opened.view?.hash as string, view: modal })))
        .error,
    ).toBe('hash_conflict');
    expect(fake.viewEvents(WOODGROVE.admin).map((e) => e.action)).toEqual(['open', 'update']);

    fake.closeModal(WOODGROVE.admin);
    expect(
      (await refusal(client.views.update({ view_id: id, hash: updated.view?.hash as string, view: modal })))
        .error,
    ).toBe('not_found');
  });

  it('publishes a Home tab per user and keeps its id', async () => {
    const client = clientFor(fake);
    const home = { type: 'home' as const, blocks: modal.blocks };
    const first = await client.views.publish({ user_id: WOODGROVE.requestor, view: home });
    const second = await client.views.publish({ user_id: WOODGROVE.requestor, view: home });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.homeView(WOODGROVE.requestor)?.type).toBe('home');
    expect(
      (await refusal(client.apiCall('views.publish', { user_id: WOODGROVE.requestor, view: modal }))).error,
    ).toBe('invalid_arguments');
  });
});

describe('fake Slack: rate limits', () => {
  it('answers 429 with Retry-After once the bucket is empty, and again after it refills', async () => {
    const wall = new ManualClock();
    // Tier 2 scaled by 0.1: a burst of 2, refilled at 2 a minute.
    const fake = new FakeSlack({ seed: woodgroveSeed(), wallClock: wall, rateLimitScale: 0.1 });
    await fake.start();
    try {
      const client = clientFor(fake, { rejectRateLimitedCalls: true });
      await client.usergroups.list({});
      await client.usergroups.list({});
      const limited = (await rejection(client.usergroups.list({}))) as WebAPIRateLimitedError;
      expect(limited.code).toBe(ErrorCode.RateLimitedError);
      expect(limited.retryAfter).toBe(30);
      expect(fake.callsTo('usergroups.list').at(-1)).toMatchObject({ status: 429, error: 'ratelimited' });

      const raw = await fetch(`${fake.apiUrl}usergroups.list`, {
        method: 'POST',
        headers: { Authorization: 'Bearer xoxb-sandbox-token' },
      });
      expect(raw.status).toBe(429);
      expect(raw.headers.get('retry-after')).toBe('30');
      expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });

      // Other methods have their own buckets.
      await expect(client.users.info({ user: WOODGROVE.admin })).resolves.toMatchObject({ ok: true });
      wall.advanceSeconds(30);
      await expect(client.usergroups.list({})).resolves.toMatchObject({ ok: true });
    } finally {
      await fake.stop();
    }
  });

  it('limits chat.postMessage per channel with a small burst', async () => {
    const wall = new ManualClock();
    const fake = new FakeSlack({ seed: woodgroveSeed(), wallClock: wall });
    await fake.start();
    try {
      const client = clientFor(fake, { rejectRateLimitedCalls: true });
      for (let i = 0; i < 3; i += 1)
        await client.chat.postMessage({ channel: WOODGROVE.requestor, text: `m${i}` });
      const limited = (await rejection(
        client.chat.postMessage({ channel: WOODGROVE.requestor, text: 'one too many' }),
      )) as WebAPIRateLimitedError;
      expect(limited.retryAfter).toBe(1);
      await expect(
        client.chat.postMessage({ channel: WOODGROVE.admin, text: 'other DM' }),
      ).resolves.toMatchObject({
        ok: true,
      });
      wall.advanceSeconds(1);
      await expect(
        client.chat.postMessage({ channel: WOODGROVE.requestor, text: 'later' }),
      ).resolves.toMatchObject({
        ok: true,
      });
      expect(fake.messagesTo(WOODGROVE.requestor).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'later']);
    } finally {
      await fake.stop();
    }
  });

  it('lets everything through with rateLimits: false', async () => {
    const fake = new FakeSlack({ seed: woodgroveSeed(), wallClock: new ManualClock(), rateLimits: false });
    await fake.start();
    try {
      const client = clientFor(fake);
      for (let i = 0; i < 30; i += 1) await client.usergroups.list({});
      expect(fake.callsTo('usergroups.list').every((call) => call.ok)).toBe(true);
    } finally {
      await fake.stop();
    }
  });
});

describe('fake Slack: failure injection', () => {
  const fake = new FakeSlack({ seed: woodgroveSeed(), wallClock: new ManualClock(), rateLimits: false });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('fails the next calls of one method as told, then works again', async () => {
    const client = clientFor(fake, { rejectRateLimitedCalls: true });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    fake.failNext('chat.postMessage', { error: 'some_error' }, 2);

    const limited = (await rejection(
      client.chat.postMessage({ channel: WOODGROVE.admin, text: 'a' }),
    )) as WebAPIRateLimitedError;
    expect(limited.retryAfter).toBe(1);
    expect((await refusal(client.chat.postMessage({ channel: WOODGROVE.admin, text: 'b' }))).error).toBe(
      'some_error',
    );
    expect((await refusal(client.chat.postMessage({ channel: WOODGROVE.admin, text: 'c' }))).error).toBe(
      'some_error',
    );
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    await client.chat.postMessage({ channel: WOODGROVE.admin, text: 'd' });

    expect(fake.messagesTo(WOODGROVE.admin).map((m) => m.text)).toEqual(['d']);
    expect(fake.callsTo('chat.postMessage').map((call) => call.error ?? 'ok')).toEqual([
      'ratelimited',
      'some_error',
      'some_error',
      'ok',
    ]);
  });

  it('answers an HTTP 500 that the client reports as an HTTP error', async () => {
    fake.failNext('usergroups.users.update', { status: 500 });
    const client = clientFor(fake);
    const failed = (await rejection(
      client.usergroups.users.update({ usergroup: WOODGROVE.marketingGroup, users: WOODGROVE.admin }),
    )) as WebAPIHTTPError;
    expect(failed.code).toBe(ErrorCode.HTTPError);
    expect(failed.statusCode).toBe(500);
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([]);
  });

  it('can answer ok:false ratelimited with HTTP 200 as some Slack methods do', async () => {
    fake.failNext('views.publish', { error: 'ratelimited' });
    const client = clientFor(fake);
    const refused = await refusal(
      client.views.publish({ user_id: WOODGROVE.admin, view: { type: 'home', blocks: [] } }),
    );
    expect(refused.error).toBe('ratelimited');
  });

  it('answers in-process through fake.fetch, with no port needed', async () => {
    const { WebClient } = await import('@slack/web-api');
    const inProcess = new WebClient('xoxb-sandbox-token', {
      fetch: fake.fetch,
      retryConfig: { retries: 0 },
      slackApiUrl: 'http://sandbox.invalid/api/',
    });
    await expect(inProcess.auth.test()).resolves.toMatchObject({ ok: true, team_id: 'T0WOODGROVE' });
    fake.failNext('auth.test', { status: 429, retryAfter: 7 });
    const limited = (await rejection(
      new WebClient('xoxb-sandbox-token', {
        fetch: fake.fetch,
        rejectRateLimitedCalls: true,
        slackApiUrl: 'http://sandbox.invalid/api/',
      }).auth.test(),
    )) as WebAPIRateLimitedError;
    expect(limited.retryAfter).toBe(7);
  });
});
