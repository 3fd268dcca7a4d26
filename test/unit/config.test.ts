import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { configSecrets } from '../../src/logger.js';

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

describe('readConfig: LDAP', () => {
  const LDAP_ENV = {
    ...SLACK_ENV,
    LDAP_URL: 'ldaps://dc1.woodgrove.test:636',
    LDAP_BIND_DN: 'CN=svc-gatehouse,OU=Service Accounts,DC=woodgrove,DC=test',
    LDAP_BIND_PASSWORD: 'bind-password-1',
    LDAP_BASE_DN: 'DC=woodgrove,DC=test',
  };

  it('is off without LDAP_URL', () => {
    expect(readConfig({ ...SLACK_ENV }).ldap).toBeNull();
  });

  it('reads the directory settings, with mail, StartTLS on and 5 s as defaults', () => {
    expect(readConfig({ ...LDAP_ENV, LDAP_USER_ATTRIBUTE: 'userPrincipalName' }).ldap).toEqual({
      url: 'ldaps://dc1.woodgrove.test:636',
      bindDn: 'CN=svc-gatehouse,OU=Service Accounts,DC=woodgrove,DC=test',
      bindPassword: 'bind-password-1',
      baseDn: 'DC=woodgrove,DC=test',
      userAttribute: 'userPrincipalName',
      startTls: true,
      timeoutMs: 5_000,
      emptyGroupMember: undefined,
      syncEveryMinutes: 30,
    });
    expect(
      readConfig({ ...LDAP_ENV, LDAP_URL: 'ldap://127.0.0.1:389/', LDAP_STARTTLS: 'off' }).ldap,
    ).toMatchObject({
      url: 'ldap://127.0.0.1:389',
      startTls: false,
    });
  });

  it('once LDAP_URL is set, a missing bind or base DN is one line each', () => {
    expect(problemsOf({ ...SLACK_ENV, LDAP_URL: 'ldap://dc1:389' })).toEqual([
      'LDAP_BIND_DN: missing: LDAP_URL is set, so Gatehouse needs it',
      'LDAP_BIND_PASSWORD: missing: LDAP_URL is set, so Gatehouse needs it',
      'LDAP_BASE_DN: missing: LDAP_URL is set, so Gatehouse needs it',
    ]);
  });

  it('refuses a URL that is not ldap:// or ldaps://, and a bad attribute name or timeout', () => {
    expect(
      problemsOf({
        ...LDAP_ENV,
        LDAP_URL: 'https://dc1',
        LDAP_USER_ATTRIBUTE: 'mail)(x',
        LDAP_TIMEOUT_MS: '5',
      }),
    ).toEqual([
      'LDAP_URL: must be ldap://host[:port] (StartTLS) or ldaps://host[:port]',
      'LDAP_USER_ATTRIBUTE: must be an attribute name like mail or userPrincipalName',
      'LDAP_TIMEOUT_MS: Too small: expected number to be >=100',
    ]);
  });

  it('the bind password is a secret the logger redacts', () => {
    expect(configSecrets(readConfig(LDAP_ENV))).toContain('bind-password-1');
  });
});
