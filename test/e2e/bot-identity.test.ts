import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { createTestDatabaseUrl, databaseLabel } from '../support/db.js';

/** The bot's identity is asked once at start-up, never on an ack path (Bolt asked on every request). */
describe(`the bot's identity (${databaseLabel})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function sandbox(prepare: (s: GatehouseSandbox) => void = () => {}) {
    const database = await createTestDatabaseUrl();
    const s = new GatehouseSandbox({
      fake: { rateLimits: false },
      ...(database ? { databaseUrl: database.url } : {}),
    });
    prepare(s);
    await s.start();
    cleanups.push(async () => {
      await s.stop();
      await database?.drop();
    });
    return s;
  }

  it('is asked once: commands after start-up make no auth.test call', async () => {
    const s = await sandbox();
    const atStart = s.fake.callsTo('auth.test').length;
    expect(atStart).toBe(1);
    for (const text of ['help', 'list', 'my', 'history']) {
      const { replies } = await s.command(WOODGROVE.requestor, text);
      expect(replies.length).toBeGreaterThan(0);
    }
    expect(s.fake.callsTo('auth.test').length).toBe(atStart);
  });

  it('while Slack rate-limits auth.test, /access help is still answered', async () => {
    const s = await sandbox((fresh) =>
      fresh.fake.failNext('auth.test', { status: 429, retryAfter: 30 }, 1_000),
    );
    const { status, replies } = await s.command(WOODGROVE.requestor, 'help');
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(/\/access/);
  });
});
