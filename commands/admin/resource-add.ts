import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { registerResource } from '../../src/services/catalog/resources.js';
import { usageReply } from '../../views/admin/reply.js';
import { resourceAddedView } from '../../views/admin/resources.js';
import type { AccessCommand } from '../types.js';
import { resolveCatalog } from './resolve.js';

const USAGE =
  'resource add usergroup @group | channel #channel | webhook <name> <https-url> <role,role> | ldap <group DN> [to <catalog>]';

export type ResourceAddArgs =
  | { kind: 'slack_usergroup'; externalId: string; name: string | null; catalog: string | null }
  | { kind: 'slack_channel'; externalId: string; name: string | null; catalog: string | null }
  | { kind: 'webhook'; name: string; url: string; roles: string[]; catalog: string | null }
  | { kind: 'ldap_group'; externalId: string; name: string; catalog: string | null };

/** `ldap cn=Marketing,ou=Groups,dc=woodgrove,dc=com [to Marketing]`: a DN holds `=`, a catalog name doesn't. */
function parseLdapGroup(text: string): ResourceAddArgs | null {
  const match = /^(.*=[^=]*?)(?:\s+(?:to|in)\s+([^=<>]+))?$/i.exec(text.trim());
  if (!match) return null;
  const dn = match[1]!.trim();
  const first = /^[^=]+=((?:[^,\\]|\\.)+)/.exec(dn);
  const name = (first?.[1] ?? dn).replace(/\\(.)/g, '$1').trim();
  return { kind: 'ldap_group', externalId: dn, name, catalog: match[2]?.trim() ?? null };
}

/** ` to <catalog>` / ` in <catalog>` at the end. */
function splitCatalog(text: string): { head: string; catalog: string | null } {
  const match = /^(.*?)\s+(?:to|in)\s+(?!https?:)([^<>]+)$/i.exec(text.trim());
  return match ? { head: match[1]!.trim(), catalog: match[2]!.trim() } : { head: text.trim(), catalog: null };
}

/**
 * `usergroup <!subteam^S123|@handle>` (or the id), `channel <#C123|name>` (or the id),
 * `webhook <name> <url> <roles>`, `ldap <group DN>`; Slack sends mentions and links in angle brackets.
 */
export function parseResourceAdd(args: string): ResourceAddArgs | null {
  const [word, ...rest] = args.trim().split(/\s+/);
  if (word?.toLowerCase() === 'ldap') return parseLdapGroup(rest.join(' '));
  const { head, catalog } = splitCatalog(rest.join(' '));
  switch (word?.toLowerCase()) {
    case 'usergroup':
    case 'user-group':
    case 'group': {
      const match = /^(?:<!subteam\^(S[A-Z0-9]+)(?:\|@?([^>]*))?>|(S[A-Z0-9]{2,}))$/.exec(head);
      if (!match) return null;
      return {
        kind: 'slack_usergroup',
        externalId: (match[1] ?? match[3])!,
        name: match[2] || null,
        catalog,
      };
    }
    case 'channel': {
      const match = /^(?:<#([CG][A-Z0-9]+)(?:\|([^>]*))?>|([CG][A-Z0-9]{2,}))$/.exec(head);
      if (!match) return null;
      return {
        kind: 'slack_channel',
        externalId: (match[1] ?? match[3])!,
        name: match[2] ? `#${match[2]}` : null,
        catalog,
      };
    }
    case 'webhook': {
      const match = /^(.+?)\s+<?(https?:\/\/[^\s|>]+)(?:\|[^>]*)?>?\s+(\S+)$/i.exec(head);
      if (!match) return null;
      const roles = match[3]!
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      return { kind: 'webhook', name: match[1]!.trim(), url: match[2]!, roles, catalog };
    }
    default:
      return null;
  }
}

/** `CRM app` → `crm-app`: the webhook's stable id in Gatehouse. */
export function webhookSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug || `webhook-${randomBytes(3).toString('hex')}`;
}

/** A name Slack knows for the group or channel; the id when Slack doesn't answer. */
async function slackName(
  client: WebClient,
  parsed: Extract<ResourceAddArgs, { kind: 'slack_usergroup' | 'slack_channel' }>,
): Promise<string> {
  if (parsed.name) return parsed.name;
  try {
    if (parsed.kind === 'slack_usergroup') {
      const result = await client.usergroups.list({ include_disabled: true });
      const group = result.usergroups?.find((g) => g.id === parsed.externalId);
      if (group?.name) return group.name;
    } else {
      const result = await client.conversations.info({ channel: parsed.externalId });
      if (result.channel?.name) return `#${result.channel.name}`;
    }
  } catch {
    // Slack didn't answer: the id identifies it.
  }
  return parsed.externalId;
}

export const resourceAddCommand: AccessCommand = {
  name: 'resource add',
  usage: USAGE,
  summary: 'register a user group, channel, webhook app or LDAP group in a catalog (General unless named)',
  audience: 'admin',
  async run(call) {
    const parsed = parseResourceAdd(call.args);
    if (!parsed) return usageReply(USAGE, "I couldn't read that.");
    const actor = { userId: call.userId };
    const catalog = await resolveCatalog(call.engine, actor, parsed.catalog ?? 'General');
    if (parsed.kind === 'webhook') {
      const secret = randomBytes(24).toString('base64url');
      const resource = await registerResource(call.engine, actor, {
        catalogId: catalog.id,
        kind: 'webhook',
        externalId: webhookSlug(parsed.name),
        name: parsed.name,
        webhookUrl: parsed.url,
        webhookSecret: secret,
        roles: parsed.roles,
      });
      return resourceAddedView(resource, catalog.name, secret);
    }
    if (parsed.kind === 'ldap_group') {
      const resource = await registerResource(call.engine, actor, {
        catalogId: catalog.id,
        kind: 'ldap_group',
        externalId: parsed.externalId,
        name: parsed.name.slice(0, 80) || parsed.externalId.slice(0, 80),
      });
      return resourceAddedView(resource, catalog.name);
    }
    const name = (await slackName(call.slack.client, parsed)).slice(0, 80);
    const resource = await registerResource(call.engine, actor, {
      catalogId: catalog.id,
      kind: parsed.kind,
      externalId: parsed.externalId,
      name,
    });
    return resourceAddedView(resource, catalog.name);
  },
};
