import { GatehouseError } from '../../src/domain/errors.js';
import { listCatalogs } from '../../src/services/catalog/catalogs.js';
import { listResources, type ResourceView, removeResource } from '../../src/services/catalog/resources.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { userText } from '../../views/mrkdwn.js';
import { unescapeSlackText } from '../router.js';
import type { AccessCommand } from '../types.js';

const USAGE = 'resource remove <name>';

export const resourceRemoveCommand: AccessCommand = {
  name: 'resource remove',
  usage: USAGE,
  summary: 'take a resource out of its catalog (no package may still use it)',
  audience: 'admin',
  async run(call) {
    const typed = unescapeSlackText(call.args).replace(/\s+/g, ' ').trim();
    if (!typed) return usageReply(USAGE, 'Say which resource, by its name.');
    const actor = { userId: call.userId };
    const matches: (ResourceView & { catalogName: string })[] = [];
    for (const catalog of await listCatalogs(call.engine, actor)) {
      for (const r of await listResources(call.engine, actor, { catalogId: catalog.id })) {
        const name = r.name.toLowerCase();
        const wanted = typed.toLowerCase();
        if (name === wanted || name === `#${wanted}` || r.externalId.toLowerCase() === wanted) {
          matches.push({ ...r, catalogName: catalog.name });
        }
      }
    }
    if (matches.length === 0) {
      throw new GatehouseError(
        'resource.not_found',
        `There is no resource called ${typed} in a catalog you can see.`,
      );
    }
    if (matches.length > 1) {
      throw new GatehouseError(
        'resource.not_found',
        `${matches.length} resources are called ${typed} (in ${matches.map((m) => m.catalogName).join(', ')}). Name it by its id instead: ${matches.map((m) => m.externalId).join(', ')}.`,
      );
    }
    const removed = await removeResource(call.engine, actor, { resourceId: matches[0]!.id });
    return doneReply(
      `*${userText(removed.name, 80)}* is no longer a resource of *${userText(matches[0]!.catalogName, 80)}*.`,
      `${removed.name} was removed from ${matches[0]!.catalogName}.`,
    );
  },
};
