import type { KnownBlock } from '@slack/types';
import type { CatalogRoleHolder } from '../../src/services/catalog/catalogs.js';
import { context, header, section } from '../blocks.js';
import { formatDate, mention, truncate, userText } from '../mrkdwn.js';
import type { AdminReply } from './reply.js';

/** `/access catalog roles <catalog>`: who holds which role. */
export function catalogRolesView(catalogName: string, holders: readonly CatalogRoleHolder[]): AdminReply {
  const name = userText(catalogName, 80);
  const blocks: KnownBlock[] = [header(`Roles in ${catalogName}`)];
  if (holders.length === 0) {
    blocks.push(section(`Nobody holds a role in *${name}*; only Gatehouse admins manage it.`));
  } else {
    const lines = holders.map(
      (h) =>
        `• ${mention(h.userId)} — ${h.roleName} (since ${formatDate(h.grantedAt)}, by ${mention(h.grantedBy)})`,
    );
    for (let i = 0; i < lines.length && blocks.length < 45; i += 20) {
      blocks.push(section(truncate(lines.slice(i, i + 20).join('\n'), 3000)));
    }
  }
  blocks.push(
    context(
      `\`/access catalog roles ${name} add @person owner|reader|package manager|assignment manager\` grants one; \`remove\` takes it back.`,
    ),
  );
  return { text: `Roles in ${name}: ${holders.length}`, blocks };
}
