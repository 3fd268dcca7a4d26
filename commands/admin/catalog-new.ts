import { createCatalog } from '../../src/services/catalog/catalogs.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { userText } from '../../views/mrkdwn.js';
import { unescapeSlackText } from '../router.js';
import type { AccessCommand } from '../types.js';

export const catalogNewCommand: AccessCommand = {
  name: 'catalog new',
  usage: 'catalog new <name>',
  summary: 'create a catalog (Gatehouse admins); you become its owner',
  audience: 'admin',
  async run(call) {
    const name = unescapeSlackText(call.args).trim();
    if (!name) return usageReply('catalog new <name>', 'Give the catalog a name.');
    const catalog = await createCatalog(call.engine, { userId: call.userId }, { name });
    return doneReply(
      `Catalog *${userText(catalog.name, 80)}* created; you are its owner. Give others a role with \`/access catalog roles ${userText(catalog.name, 80)} add @person package manager\`.`,
      `Catalog ${catalog.name} created; you are its owner.`,
    );
  },
};
