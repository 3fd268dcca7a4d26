import { z } from 'zod';
import { CATALOG_ROLES, describeRole } from '../../src/domain/roles.js';
import {
  grantCatalogRole,
  listCatalogRoles,
  revokeCatalogRole,
} from '../../src/services/catalog/catalogs.js';
import { catalogRolesView } from '../../views/admin/catalog-roles.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { mention, userText } from '../../views/mrkdwn.js';
import { parseUserMention } from '../router.js';
import type { AccessCommand } from '../types.js';
import { resolveCatalog } from './resolve.js';

const USAGE = 'catalog roles <catalog> [add|remove @person owner|reader|package manager|assignment manager]';

const roleSchema = z
  .string()
  .transform((text) =>
    text
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  )
  .pipe(z.enum(CATALOG_ROLES));

/** `<catalog> add|remove <@user> <role>`; without the change, just the catalog. */
function parseRoleChange(args: string) {
  const match = /^(.+?)\s+(add|remove)\s+(\S+)\s+(.+)$/i.exec(args.trim());
  if (!match) return null;
  return {
    catalogText: match[1]!,
    op: match[2]!.toLowerCase() as 'add' | 'remove',
    userId: parseUserMention(match[3]!),
    role: roleSchema.safeParse(match[4]!),
  };
}

export const catalogRolesCommand: AccessCommand = {
  name: 'catalog roles',
  usage: USAGE,
  summary: 'who holds which role in a catalog; catalog owners grant and revoke them',
  audience: 'admin',
  async run(call) {
    if (!call.args) return usageReply(USAGE, 'Say which catalog.');
    const actor = { userId: call.userId };
    const change = parseRoleChange(call.args);
    if (!change) {
      const catalog = await resolveCatalog(call.engine, actor, call.args);
      const holders = await listCatalogRoles(call.engine, actor, { catalogId: catalog.id });
      return catalogRolesView(catalog.name, holders);
    }
    if (!change.userId) return usageReply(USAGE, 'Name the person with an @mention.');
    if (!change.role.success) {
      return usageReply(USAGE, 'The role is one of owner, reader, package manager, assignment manager.');
    }
    const catalog = await resolveCatalog(call.engine, actor, change.catalogText);
    const input = { catalogId: catalog.id, userId: change.userId, role: change.role.data };
    const who = mention(change.userId);
    const role = describeRole(change.role.data);
    const where = `*${userText(catalog.name, 80)}*`;
    if (change.op === 'add') {
      const { granted } = await grantCatalogRole(call.engine, actor, input);
      return granted
        ? doneReply(
            `${who} is now ${role} of ${where}.`,
            `${change.userId} is now ${role} of ${catalog.name}.`,
          )
        : doneReply(`${who} was already ${role} of ${where}.`, `Already ${role}.`);
    }
    const { revoked } = await revokeCatalogRole(call.engine, actor, input);
    return revoked
      ? doneReply(
          `${who} is no longer ${role} of ${where}.`,
          `${change.userId} is no longer ${role} of ${catalog.name}.`,
        )
      : doneReply(`${who} wasn't ${role} of ${where}; nothing changed.`, 'Nothing changed.');
  },
};
