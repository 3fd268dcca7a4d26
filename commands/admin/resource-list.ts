import { listCatalogs } from '../../src/services/catalog/catalogs.js';
import { listResources } from '../../src/services/catalog/resources.js';
import { resourceListView } from '../../views/admin/resources.js';
import type { AccessCommand } from '../types.js';
import { resolveCatalog } from './resolve.js';

export const resourceListCommand: AccessCommand = {
  name: 'resource list',
  usage: 'resource list [catalog]',
  summary: 'the user groups, channels and webhook apps registered in catalogs',
  audience: 'admin',
  async run(call) {
    const actor = { userId: call.userId };
    const catalogs = call.args
      ? [await resolveCatalog(call.engine, actor, call.args)]
      : await listCatalogs(call.engine, actor);
    const listed = [];
    for (const catalog of catalogs) {
      listed.push({
        name: catalog.name,
        resources: await listResources(call.engine, actor, { catalogId: catalog.id }),
      });
    }
    return resourceListView(listed);
  },
};
