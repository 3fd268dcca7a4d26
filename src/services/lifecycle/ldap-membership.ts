import { type LdapSettings, ldapGroupEmails } from '../../connectors/ldap-group.js';
import { slackIdsByEmail } from '../catalog/users.js';
import type { EngineDeps } from '../context.js';
import type { MembershipReader } from './reconcile.js';

/**
 * Who is in an LDAP group, as the Slack people reconciliation compares with assignments: each
 * member entry's e-mail, matched to the Slack user with that e-mail. Entries that match nobody
 * in Slack (a placeholder, a service account, someone without Slack) are not counted either way.
 */
export function ldapMembershipReader(deps: EngineDeps, settings: LdapSettings): MembershipReader {
  return {
    members: async (resource) => slackIdsByEmail(deps, await ldapGroupEmails(settings, resource.externalId)),
  };
}
