import { describe, expect, it } from 'vitest';
import { parseResourceAdd } from '../../commands/admin/resource-add.js';

describe('/access resource add: reading what was typed', () => {
  it('ldap <DN>: the DN whole, the name from its first value', () => {
    expect(parseResourceAdd('ldap cn=Marketing Campaign,ou=Groups,dc=woodgrove,dc=com')).toEqual({
      kind: 'ldap_group',
      externalId: 'cn=Marketing Campaign,ou=Groups,dc=woodgrove,dc=com',
      name: 'Marketing Campaign',
      catalog: null,
    });
  });

  it('ldap <DN> to <catalog>: a catalog name has no "=", so "in" or "to" inside a DN stays in it', () => {
    expect(
      parseResourceAdd('LDAP CN=Sales in Europe,OU=Groups,DC=woodgrove,DC=com to Marketing'),
    ).toMatchObject({
      externalId: 'CN=Sales in Europe,OU=Groups,DC=woodgrove,DC=com',
      name: 'Sales in Europe',
      catalog: 'Marketing',
    });
  });

  it('an escaped comma stays part of the name', () => {
    expect(parseResourceAdd('ldap cn=Smith\\, J.,ou=Groups,dc=woodgrove,dc=com')).toMatchObject({
      name: 'Smith, J.',
    });
  });

  it('ldap with no DN is not read', () => {
    expect(parseResourceAdd('ldap Marketing')).toBeNull();
    expect(parseResourceAdd('ldap')).toBeNull();
  });

  it('the Slack kinds read as before', () => {
    expect(parseResourceAdd('usergroup <!subteam^S0MKT|@marketing> to Marketing')).toEqual({
      kind: 'slack_usergroup',
      externalId: 'S0MKT',
      name: 'marketing',
      catalog: 'Marketing',
    });
    expect(parseResourceAdd('channel <#C0CAMP|campaign>')).toMatchObject({
      kind: 'slack_channel',
      name: '#campaign',
    });
  });
});
