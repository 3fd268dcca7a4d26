import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';

const SLACK_ENV = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-1234567' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('readConfig: NODE_ENV', () => {
  it('is trimmed and lower-cased', () => {
    expect(readConfig({ ...SLACK_ENV, NODE_ENV: 'Production' }).nodeEnv).toBe('production');
    expect(readConfig({ ...SLACK_ENV, NODE_ENV: ' production ' }).nodeEnv).toBe('production');
    expect(readConfig({ ...SLACK_ENV, NODE_ENV: 'TEST' }).nodeEnv).toBe('test');
    expect(readConfig({ ...SLACK_ENV, NODE_ENV: '\tDevelopment\n' }).nodeEnv).toBe('development');
  });

  it('defaults to development when unset or blank', () => {
    expect(readConfig({ ...SLACK_ENV }).nodeEnv).toBe('development');
    expect(readConfig({ ...SLACK_ENV, NODE_ENV: '' }).nodeEnv).toBe('development');
    expect(readConfig({ ...SLACK_ENV, NODE_ENV: '   ' }).nodeEnv).toBe('development');
  });

  it.each(['Production', ' production ', 'PRODUCTION', 'production\n'])(
    'refuses TEST_CLOCK=1 with NODE_ENV=%j, one line',
    (nodeEnv) => {
      expect(problemsOf({ ...SLACK_ENV, NODE_ENV: nodeEnv, TEST_CLOCK: '1' })).toEqual([
        'TEST_CLOCK: the test clock is refused when NODE_ENV=production',
      ]);
    },
  );

  it('accepts TEST_CLOCK=1 outside production', () => {
    for (const nodeEnv of ['development', 'Test', undefined]) {
      expect(readConfig({ ...SLACK_ENV, NODE_ENV: nodeEnv, TEST_CLOCK: '1' }).testClock).toBe(true);
    }
  });

  it.each(['prod', 'staging', 'productionx', 'dev'])('refuses NODE_ENV=%j with one clear line', (nodeEnv) => {
    expect(problemsOf({ ...SLACK_ENV, NODE_ENV: nodeEnv })).toEqual([
      `NODE_ENV: must be one of development, test, production (got ${JSON.stringify(nodeEnv)})`,
    ]);
  });

  it('an unknown NODE_ENV is one line among the other problems', () => {
    const problems = problemsOf({ NODE_ENV: 'Prod', PORT: 'not-a-port' });
    expect(problems).toHaveLength(3);
    expect(problems.filter((line) => line.startsWith('NODE_ENV:'))).toEqual([
      'NODE_ENV: must be one of development, test, production (got "Prod")',
    ]);
    expect(problems.join('\n')).toContain('PORT');
    expect(problems.join('\n')).toContain('SLACK_BOT_TOKEN');
  });
});

describe('readConfig: WEBHOOK_ALLOWED_NETWORKS', () => {
  it('is empty by default: every internal network is refused', () => {
    expect(readConfig({ ...SLACK_ENV }).webhookAllowedNetworks).toEqual([]);
  });

  it('takes addresses and networks, comma or space separated', () => {
    expect(
      readConfig({ ...SLACK_ENV, WEBHOOK_ALLOWED_NETWORKS: '10.20.0.0/16, 127.0.0.1 fd00::/8' })
        .webhookAllowedNetworks,
    ).toEqual(['10.20.0.0/16', '127.0.0.1', 'fd00::/8']);
  });

  it('refuses anything else with one line', () => {
    expect(problemsOf({ ...SLACK_ENV, WEBHOOK_ALLOWED_NETWORKS: 'intranet.local,10.0.0.0/33' })).toEqual([
      'WEBHOOK_ALLOWED_NETWORKS: each entry must be an IP address or a network like 10.20.0.0/16',
    ]);
  });
});
