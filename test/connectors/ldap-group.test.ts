import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LdapSettings, ldapGroupConnector } from '../../src/connectors/ldap-group.js';
import { ConnectorError, type ProvisioningTarget } from '../../src/connectors/port.js';
import { BASE_DN, PLACEHOLDER_DN, type Slapd, settingsFor, startSlapd } from '../support/slapd.js';

/** The LDAP group connector against a real OpenLDAP (slapd) started for this file. */

const EMAILS: Record<string, string> = {
  U0ANN: 'ann@woodgrove.test',
  U0BOB: 'bob@woodgrove.test',
  U0TWIN: 'twin@woodgrove.test',
  U0NOENTRY: 'nobody-here@woodgrove.test',
  U0STAR: '*',
};
const emailOf = async (userId: string) => EMAILS[userId] ?? null;

describe('LDAP group connector (OpenLDAP slapd)', () => {
  let slapd: Slapd;
  let settings: LdapSettings;
  let ann: string;
  let bob: string;

  beforeAll(async () => {
    slapd = await startSlapd();
    settings = settingsFor(slapd);
    ann = await slapd.addPerson('ann', EMAILS.U0ANN!);
    bob = await slapd.addPerson('bob', EMAILS.U0BOB!);
    await slapd.addPerson('twin1', EMAILS.U0TWIN!);
    await slapd.addPerson('twin2', EMAILS.U0TWIN!);
  }, 30_000);
  afterAll(() => slapd?.stop());

  const target = (groupDn: string, userId: string): ProvisioningTarget => ({
    resource: {
      id: 1,
      kind: 'webhook',
      externalId: groupDn,
      name: 'Marketing',
      webhookUrl: null,
      webhookSecret: null,
    },
    role: 'member',
    userId,
    assignmentId: 1,
    packageId: 1,
    packageName: 'Marketing Campaign',
    deliveryId: 'fulfilment-1',
  });

  async function refusal(run: Promise<void>): Promise<ConnectorError> {
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }

  it('grants by adding the entry found by e-mail; granting again changes nothing', async () => {
    const group = await slapd.addGroup('marketing', [PLACEHOLDER_DN]);
    const connector = ldapGroupConnector(settings, emailOf);
    await connector.grant(target(group, 'U0ANN'));
    await connector.grant(target(group, 'U0ANN'));
    await connector.grant(target(group, 'U0BOB'));
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN, ann, bob].sort());
  });

  it('revokes by taking the entry out; revoking a non-member is a success; others stay', async () => {
    const group = await slapd.addGroup('sales', [PLACEHOLDER_DN, ann, bob]);
    const connector = ldapGroupConnector(settings, emailOf);
    await connector.revoke(target(group, 'U0ANN'));
    await connector.revoke(target(group, 'U0ANN'));
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN, bob].sort());
    // Nobody without an entry can be a member: nothing to do.
    await connector.revoke(target(group, 'U0NOENTRY'));
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN, bob].sort());
  });

  it('the last member of a groupOfNames is replaced by the placeholder in the same change', async () => {
    const group = await slapd.addGroup('solo', [ann]);
    await ldapGroupConnector(settings, emailOf).revoke(target(group, 'U0ANN'));
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN]);
  });

  it('without a placeholder, emptying a groupOfNames is refused with what to set', async () => {
    const group = await slapd.addGroup('solo2', [ann]);
    const noPlaceholder = { ...settings, emptyGroupMember: undefined };
    const error = await refusal(ldapGroupConnector(noPlaceholder, emailOf).revoke(target(group, 'U0ANN')));
    expect(error).toMatchObject({ retryable: false, code: 'ldap_object_class_violation' });
    expect(error.message).toContain('LDAP_EMPTY_GROUP_MEMBER');
    expect(await slapd.members(group)).toEqual([ann]);
  });

  it('a person with no entry, or with several, is a failure that says so (not retried)', async () => {
    const group = await slapd.addGroup('finance', [PLACEHOLDER_DN]);
    const connector = ldapGroupConnector(settings, emailOf);
    const none = await refusal(connector.grant(target(group, 'U0NOENTRY')));
    expect(none).toMatchObject({ retryable: false, code: 'ldap_no_entry' });
    expect(none.message).toContain('mail=nobody-here@woodgrove.test');
    const twins = await refusal(connector.grant(target(group, 'U0TWIN')));
    expect(twins).toMatchObject({ retryable: false, code: 'ldap_ambiguous_entry' });
    expect(twins.message).toContain('2 directory entries have mail=twin@woodgrove.test');
    const unknown = await refusal(connector.grant(target(group, 'U0NOMAIL')));
    expect(unknown).toMatchObject({ retryable: false, code: 'ldap_no_email' });
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN]);
  });

  it('an e-mail is matched as a value, never as a filter: "*" matches nobody', async () => {
    const group = await slapd.addGroup('escaping', [PLACEHOLDER_DN]);
    const error = await refusal(ldapGroupConnector(settings, emailOf).grant(target(group, 'U0STAR')));
    expect(error.code).toBe('ldap_no_entry');
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN]);
  });

  it('a wrong bind password and a group that is not there are told, not retried; the password is never in the message', async () => {
    const group = await slapd.addGroup('ops', [PLACEHOLDER_DN]);
    const wrong = { ...settings, bindPassword: 'not-the-password' };
    const bind = await refusal(ldapGroupConnector(wrong, emailOf).grant(target(group, 'U0ANN')));
    expect(bind).toMatchObject({ retryable: false, code: 'ldap_bind_refused' });
    expect(bind.message).not.toContain('not-the-password');
    const missing = await refusal(
      ldapGroupConnector(settings, emailOf).grant(target(`cn=gone,ou=groups,${BASE_DN}`, 'U0ANN')),
    );
    expect(missing).toMatchObject({ retryable: false, code: 'ldap_no_such_group' });
  });

  it('with the directory down a grant fails to be retried; once it is back the same grant goes through', async () => {
    const group = await slapd.addGroup('resilience', [PLACEHOLDER_DN]);
    const connector = ldapGroupConnector(settings, emailOf);
    await slapd.pause();
    try {
      const down = await refusal(connector.grant(target(group, 'U0BOB')));
      expect(down).toMatchObject({ retryable: true, code: 'ldap_unreachable' });
    } finally {
      await slapd.start();
    }
    await connector.grant(target(group, 'U0BOB'));
    expect(await slapd.members(group)).toEqual([PLACEHOLDER_DN, bob].sort());
  });
});
