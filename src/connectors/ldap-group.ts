import type { ConnectionOptions } from 'node:tls';
import {
  Attribute,
  Change,
  Client,
  EqualityFilter,
  InvalidCredentialsError,
  NoSuchAttributeError,
  NoSuchObjectError,
  ObjectClassViolationError,
  ResultCodeError,
  TypeOrValueExistsError,
} from 'ldapts';
import type { LdapConfig } from '../config.js';
import { type Connector, ConnectorError, type ProvisioningTarget } from './port.js';

/**
 * The directory's settings (LDAP_* in src/config.ts). `emptyGroupMember`: OpenLDAP's groupOfNames
 * must keep one member, so when the last person leaves this DN takes their place in the same
 * change; unset, AD's groups may be empty and OpenLDAP refuses. `tlsOptions`: CA certificates and
 * the like, for ldaps:// and StartTLS.
 */
export type LdapSettings = Omit<LdapConfig, 'syncEveryMinutes'> & { tlsOptions?: ConnectionOptions };

/** The person's e-mail as Slack has it (users.info, with the users:read.email scope). */
export type EmailOf = (slackUserId: string) => Promise<string | null>;

/**
 * A group in an LDAP directory (Active Directory, OpenLDAP), named by its DN, role `member`:
 * granting adds the person's entry DN to the group's `member` attribute, revoking takes it out.
 * The person is the one entry under the base DN whose `userAttribute` (`mail`, or
 * `userPrincipalName` on AD) is their Slack e-mail; none or several is a failure that says so.
 * Both calls are idempotent (a member added twice, a non-member removed: success). Each call
 * opens its own connection (StartTLS on ldap:// unless switched off), binds, does its one
 * change and unbinds: nothing stays open between deliveries.
 */
export function ldapGroupConnector(settings: LdapSettings, emailOf: EmailOf): Connector {
  const directory = ldapDirectory(settings);
  return {
    async grant(target) {
      const person = await directory.personDn(target, await emailFor(target, emailOf));
      await directory.change(target, new Change({ operation: 'add', modification: member(person) }), {
        alreadyDone: (error) => error instanceof TypeOrValueExistsError,
      });
    },
    async revoke(target) {
      const email = await emailOf(target.userId);
      // Without an e-mail or an entry nobody can be in the group through Gatehouse: nothing to take out.
      if (!email) return;
      const person = await directory.personDn(target, email, { missingIsFine: true });
      if (!person) return;
      await directory.removeMember(target, person);
    },
  };
}

function member(dn: string): Attribute {
  return new Attribute({ type: 'member', values: [dn] });
}

async function emailFor(target: ProvisioningTarget, emailOf: EmailOf): Promise<string> {
  const email = await emailOf(target.userId);
  if (email) return email;
  throw new ConnectorError(
    `No e-mail is known for <@${target.userId}>, so their directory entry can't be found for ${target.resource.name}. Gatehouse reads e-mails with the users:read.email scope: reinstall the app from manifest.yml.`,
    false,
    'ldap_no_email',
  );
}

/**
 * The e-mails (`userAttribute`) of an LDAP group's member entries, for reconciliation: an entry
 * without one (a placeholder, a service account) is left out. Throws when the directory can't be
 * read; the caller skips the group until its next run.
 */
export async function ldapGroupEmails(settings: LdapSettings, groupDn: string): Promise<string[]> {
  return bound(settings, async (client) => {
    const group = await client.search(groupDn, { scope: 'base', attributes: ['member'] });
    const members = group.searchEntries[0]?.member;
    const dns = (Array.isArray(members) ? members : members ? [members] : []).map(String);
    const emails: string[] = [];
    for (const dn of dns) {
      const entry = await client
        .search(dn, { scope: 'base', attributes: [settings.userAttribute] })
        .catch((error: unknown) => {
          if (error instanceof NoSuchObjectError) return null;
          throw error;
        });
      const value = entry?.searchEntries[0]?.[settings.userAttribute];
      const email = Array.isArray(value) ? value[0] : value;
      if (email) emails.push(String(email));
    }
    return emails;
  });
}

/**
 * Runs `work` on a connection of its own: connect (StartTLS first on ldap:// unless switched
 * off), bind as Gatehouse, then unbind whatever happened. Nothing stays open between calls.
 */
async function bound<T>(settings: LdapSettings, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    url: settings.url,
    timeout: settings.timeoutMs,
    connectTimeout: settings.timeoutMs,
    ...(settings.tlsOptions ? { tlsOptions: settings.tlsOptions } : {}),
  });
  try {
    if (settings.startTls && settings.url.startsWith('ldap://')) await client.startTLS(settings.tlsOptions);
    await client.bind(settings.bindDn, settings.bindPassword);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

interface LdapDirectory {
  personDn(target: ProvisioningTarget, email: string): Promise<string>;
  personDn(
    target: ProvisioningTarget,
    email: string,
    options: { missingIsFine: true },
  ): Promise<string | null>;
  change(
    target: ProvisioningTarget,
    change: Change,
    options: { alreadyDone(error: unknown): boolean },
  ): Promise<void>;
  removeMember(target: ProvisioningTarget, person: string): Promise<void>;
}

function ldapDirectory(settings: LdapSettings): LdapDirectory {
  async function session<T>(target: ProvisioningTarget, work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await bound(settings, work);
    } catch (error) {
      throw connectorError(target, error);
    }
  }

  async function personDn(
    target: ProvisioningTarget,
    email: string,
    options: { missingIsFine?: true } = {},
  ): Promise<string | null> {
    const filter = new EqualityFilter({ attribute: settings.userAttribute, value: email });
    const { searchEntries } = await session(target, (client) =>
      client.search(settings.baseDn, { scope: 'sub', filter, attributes: ['dn'], sizeLimit: 5 }),
    );
    if (searchEntries.length === 1) return searchEntries[0]!.dn;
    if (searchEntries.length === 0) {
      if (options.missingIsFine) return null;
      throw new ConnectorError(
        `No directory entry under ${settings.baseDn} has ${settings.userAttribute}=${email} (<@${target.userId}>), so they can't be added to ${target.resource.name}. Add the attribute to their entry, or set LDAP_USER_ATTRIBUTE to the one that holds e-mails.`,
        false,
        'ldap_no_entry',
      );
    }
    throw new ConnectorError(
      `${searchEntries.length} directory entries have ${settings.userAttribute}=${email} (${searchEntries
        .slice(0, 3)
        .map((e) => e.dn)
        .join('; ')}): Gatehouse won't guess which is <@${target.userId}>. Make it unique in the directory.`,
      false,
      'ldap_ambiguous_entry',
    );
  }

  return {
    personDn: personDn as LdapDirectory['personDn'],
    async change(target, change, options) {
      await session(target, async (client) => {
        try {
          await client.modify(target.resource.externalId, change);
        } catch (error) {
          if (!options.alreadyDone(error)) throw error;
        }
      });
    },
    async removeMember(target, person) {
      await session(target, async (client) => {
        const group = target.resource.externalId;
        const remove = new Change({ operation: 'delete', modification: member(person) });
        try {
          await client.modify(group, remove);
        } catch (error) {
          if (error instanceof NoSuchAttributeError) return;
          if (!(error instanceof ObjectClassViolationError) || !settings.emptyGroupMember) throw error;
          // The last member of a groupOfNames: the placeholder comes in, in the same change.
          const placeholder = new Change({
            operation: 'add',
            modification: member(settings.emptyGroupMember),
          });
          await client.modify(group, [placeholder, remove]);
        }
      });
    },
  };
}

/** What an LDAP failure means for the delivery: retried (the directory is away) or told to an admin. */
function connectorError(target: ProvisioningTarget, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const group = target.resource.name;
  if (error instanceof InvalidCredentialsError) {
    return new ConnectorError(
      `The directory refused Gatehouse's bind for ${group}: check LDAP_BIND_DN and LDAP_BIND_PASSWORD.`,
      false,
      'ldap_bind_refused',
    );
  }
  if (error instanceof NoSuchObjectError) {
    return new ConnectorError(
      `The group ${target.resource.externalId} is not in the directory: fix its DN or take it out of the package.`,
      false,
      'ldap_no_such_group',
    );
  }
  if (error instanceof ObjectClassViolationError) {
    return new ConnectorError(
      `The directory refused to empty ${group} (OpenLDAP's groupOfNames keeps one member): set LDAP_EMPTY_GROUP_MEMBER to a placeholder DN.`,
      false,
      'ldap_object_class_violation',
    );
  }
  if (error instanceof ResultCodeError) {
    // Busy, unavailable, time limits: the directory may take it later. Anything else needs a person.
    const retryable = [51, 52, 3, 80].includes(error.code);
    return new ConnectorError(
      `The directory refused the change to ${group} (LDAP result ${error.code}: ${error.message}).${retryable ? ' It will be retried.' : ''}`,
      retryable,
      `ldap_${error.code}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(
    `The directory could not be reached for ${group} (${message}). It will be retried.`,
    true,
    'ldap_unreachable',
  );
}

/** The ldap_group connector when LDAP_URL is not set: every call says what to configure. */
export function ldapNotConfigured(): Connector {
  const refuse = async (target: ProvisioningTarget) => {
    throw new ConnectorError(
      `${target.resource.name} is an LDAP group, and Gatehouse has no directory configured: set LDAP_URL, LDAP_BIND_DN, LDAP_BIND_PASSWORD and LDAP_BASE_DN, then retry.`,
      false,
      'ldap_not_configured',
    );
  };
  return { grant: refuse, revoke: refuse };
}
