import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import {
  addLogFields,
  configSecrets,
  createLogger,
  outsideLogScope,
  scrub,
  withLogScope,
} from '../../src/logger.js';

type Line = Record<string, unknown>;

/** A logger writing into an array: the raw lines (to look for secrets anywhere) and parsed. */
function capture(level = 'trace', secrets: string[] = []) {
  const raw: string[] = [];
  const destination = { write: (line: string) => void (line && raw.push(line)) };
  const log = createLogger(level, { secrets, destination });
  return { log, raw, lines: () => raw.map((line) => JSON.parse(line) as Line) };
}

const BOT_TOKEN = 'xoxb-1111-2222-abcdefABCDEF';
const APP_TOKEN = 'xapp-1-A0APP-3333-abcdef';
const SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';
const DB_PASSWORD = 'p@ss:w0rd/with%chars';
const WEBHOOK_SECRET = 'whsec-not-in-config-0123456789';

describe('logs: levels, scopes and secrets', () => {
  it('respects the level: below it nothing is written', () => {
    const { log, lines } = capture('warn');
    log.info('not written');
    log.debug('not written either');
    log.warn('written');
    expect(lines().map((l) => l.msg)).toEqual(['written']);
    expect(lines()[0]!.level).toBe(40);
  });

  it('every line logged inside a scope carries its fields, through any child logger', async () => {
    const { log, lines } = capture();
    const child = log.child({ component: 'engine' });
    await withLogScope({ fields: { reqId: 'req-1', slackUser: 'U0ALICE' } }, async () => {
      log.info('first');
      await Promise.resolve();
      child.info('from a child, after an await');
      addLogFields({ gatehouseRequest: 'R-1042' });
      child.warn('after the request was named');
      outsideLogScope(() => log.info('outside'));
    });
    log.info('after the scope');
    const [first, fromChild, named, outside, after] = lines();
    expect(first).toMatchObject({ reqId: 'req-1', slackUser: 'U0ALICE', msg: 'first' });
    expect(fromChild).toMatchObject({ reqId: 'req-1', slackUser: 'U0ALICE', component: 'engine' });
    expect(fromChild!.gatehouseRequest).toBeUndefined();
    expect(named).toMatchObject({ reqId: 'req-1', gatehouseRequest: 'R-1042' });
    expect(outside!.reqId).toBeUndefined();
    expect(after!.reqId).toBeUndefined();
  });

  it('a field a child logger already binds is not written twice', () => {
    const { log, raw } = capture();
    withLogScope({ fields: { reqId: 'req-2', slackUser: 'U0ALICE' } }, () => {
      log.child({ slackUser: 'U0ALICE', reqId: 'req-2' }).info('bound');
    });
    expect(raw[0]!.match(/"slackUser"/g)).toHaveLength(1);
    expect(raw[0]!.match(/"reqId"/g)).toHaveLength(1);
  });

  it('tells the scope when a line at error level is logged in it, whatever the level', () => {
    for (const level of ['info', 'fatal', 'silent']) {
      const { log, raw } = capture(level);
      const seen: string[] = [];
      withLogScope({ fields: {}, onError: () => seen.push('error') }, () => {
        log.warn('a warning is not an error');
        log.error('broken');
      });
      expect(seen).toEqual(['error']);
      expect(raw.some((line) => line.includes('broken'))).toBe(level === 'info');
    }
  });

  it('writes nothing below a level quieter than errors', () => {
    const { log, raw } = capture('fatal');
    log.error('dropped');
    log.fatal('kept');
    expect(raw.map((line) => JSON.parse(line).msg)).toEqual(['kept']);
  });

  it('never writes a configured secret, a Slack token or a bearer credential, wherever it is', () => {
    const config = readConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: `postgres://gatehouse:${encodeURIComponent(DB_PASSWORD)}@db.internal:5432/gatehouse`,
    });
    const { log, raw, lines } = capture('trace', configSecrets(config));
    log.info({ config }, 'configuration read');
    log.info({ env: { SLACK_BOT_TOKEN: BOT_TOKEN } }, 'an environment dumped by mistake');
    log.error({ err: new Error(`auth failed for ${BOT_TOKEN}`) }, 'Slack refused');
    log.warn({ err: { config: { headers: { Authorization: `Bearer ${BOT_TOKEN}` } } } }, 'HTTP error');
    log.debug('http request headers: {"Authorization":"Bearer xoxb-9-9-zzz"}');
    log.info({ resource: { webhook_secret: WEBHOOK_SECRET, name: 'Payroll' } }, 'webhook resource');
    log.info('signing secret is %s, app token %s', SIGNING_SECRET, APP_TOKEN);
    log.info({ url: config.databaseUrl }, 'database');
    const output = raw.join('');
    for (const secret of [
      BOT_TOKEN,
      APP_TOKEN,
      SIGNING_SECRET,
      DB_PASSWORD,
      WEBHOOK_SECRET,
      'xoxb-9-9-zzz',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toContain(encodeURIComponent(DB_PASSWORD));
    // Still JSON, still saying what happened.
    expect(lines().map((l) => l.msg)).toContain('Slack refused');
    expect(lines().find((l) => l.msg === 'webhook resource')!.resource).toEqual({
      webhook_secret: '[redacted]',
      name: 'Payroll',
    });
    expect(lines().find((l) => l.msg === 'configuration read')!.config).toMatchObject({
      slack: { botToken: '[redacted]', signingSecret: '[redacted]', appToken: '[redacted]' },
    });
    expect(output).toContain('[redacted]');
  });

  it('scrub keeps a line JSON when a secret has characters JSON escapes', () => {
    const secret = 'quote"back\\slash-secret';
    const line = `${JSON.stringify({ msg: `value ${secret}` })}\n`;
    const escaped = JSON.stringify(secret).slice(1, -1);
    const scrubbed = scrub(line, [escaped, secret]);
    expect(scrubbed).not.toContain('back');
    expect(JSON.parse(scrubbed)).toEqual({ msg: 'value [redacted]' });
  });
});
