import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { SANDBOX_SIGNING_SECRET } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { postSigned } from '../../src/sandbox/signing.js';
import { createSlackApp } from '../../src/slack/app.js';
import { databaseLabel } from '../support/db.js';
import { startSandbox } from '../support/sandbox.js';

describe(`the Slack app over HTTP (${databaseLabel})`, () => {
  let s: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  it('answers GET /healthz', async () => {
    const response = await fetch(`${s.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('refuses a request signed five minutes in the future or past with 401', async () => {
    const parts = s.fake.slashCommand({ userId: WOODGROVE.requestor, text: 'help' });
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now + 301, now - 301]) {
      const response = await postSigned(s.eventsUrl, parts.body, parts.contentType, {
        secret: SANDBOX_SIGNING_SECRET,
        timestamp,
      });
      expect(response.status).toBe(401);
    }
    const wrongSecret = await postSigned(s.eventsUrl, parts.body, parts.contentType, {
      secret: 'not-the-secret',
    });
    expect(wrongSecret.status).toBe(401);
    expect(s.fake.responses(parts.responseUrl)).toEqual([]);
  });

  it('/access help lists the requestor commands; admins also see theirs', async () => {
    const requestor = await s.command(WOODGROVE.requestor, 'help');
    expect(requestor.status).toBe(200);
    const text = JSON.stringify(requestor.replies[0]);
    expect(text).toContain('/access list');
    expect(text).not.toContain('For admins');
    const admin = await s.command(WOODGROVE.admin, 'help');
    expect(JSON.stringify(admin.replies[0])).toContain('For admins');
  });

  it('unknown words and empty text get help, never silence', async () => {
    for (const text of ['', 'frobnicate the widgets', '<!channel> hi']) {
      const { replies } = await s.command(WOODGROVE.requestor, text);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('/access list');
    }
    const { replies } = await s.command(WOODGROVE.requestor, '<!channel> hi');
    expect(JSON.stringify(replies[0])).not.toContain('<!channel>');
  });

  it('the test clock moves domain time forward and answers the new instant', async () => {
    const before = s.gatehouse.deps.clock.now().getTime();
    const now = await s.advance(86_400);
    expect(new Date(now).getTime()).toBeGreaterThanOrEqual(before + 86_400_000);
  });
});

describe('Socket Mode', () => {
  /** What the receiver choice does not look at: the app is built, never started. */
  const NOT_STARTED = {
    engine: {} as never,
    wallClock: systemClock,
    log: silentLogger,
    routes: [],
    port: 0,
  };

  it('SLACK_APP_TOKEN selects Socket Mode', () => {
    const config = readConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-A1-1-abc',
      DATA_DIR: 'memory',
    });
    const runtime = createSlackApp({
      botToken: config.slack.botToken,
      appToken: config.slack.appToken,
      signingSecret: config.slack.signingSecret,
      ...NOT_STARTED,
    });
    expect(runtime.mode).toBe('socket');
    const http = createSlackApp({
      botToken: 'xoxb-1',
      signingSecret: 'secret-1234567',
      ...NOT_STARTED,
    });
    expect(http.mode).toBe('http');
  });

  it('HTTP mode without a signing secret is a configuration error, one line', () => {
    expect(() => readConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
  });
});
