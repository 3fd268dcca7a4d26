import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';

describe(`bad input gets a clear answer, never a 500 (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  const texts = [
    `request ${'x'.repeat(4_000)}`,
    'x'.repeat(4_000),
    'request <!channel> <https://evil.example|click me> <@U0ADMIN1>',
    'cancel <!here>',
    'cancel R-99999999',
    'extend Nothing Like This',
    'request',
    '   ',
    'package show <#C0GENERAL|general>',
    'assign nobody nothing',
  ];

  for (const text of texts) {
    it(`/access ${JSON.stringify(text.slice(0, 60))}`, async () => {
      const { status, replies } = await s.command(WOODGROVE.requestor, text);
      expect(status).toBe(200);
      const all = JSON.stringify(replies);
      expect(all).not.toContain('went wrong on Gatehouse');
      // Whatever was typed comes back as text, never as a live mention or link.
      expect(all).not.toContain('<!channel>');
      expect(all).not.toContain('<!here>');
      expect(all).not.toContain('<https://evil.example');
    });
  }
});

describe(`graceful shutdown (${databaseLabel})`, () => {
  it('stops taking requests, finishes the one in flight, then closes', async () => {
    const s = await startSandbox();
    const parts = s.fake.slashCommand({ userId: WOODGROVE.requestor, text: 'list' });
    const acked = await s.send(parts);
    expect(acked.status).toBe(200);
    // The ack is out; the answer is still being worked on when the stop begins.
    await s.gatehouse.stop();
    expect(s.fake.responses(parts.responseUrl)).toHaveLength(1);
    await expect(fetch(`${s.origin}/healthz`)).rejects.toThrow();
    await s.fake.stop();
  });
});
