import { listCatalogs } from '../../src/services/catalog/catalogs.js';
import { catalogListView } from '../../views/admin/catalogs.js';
import type { AccessCommand } from '../types.js';

export const catalogListCommand: AccessCommand = {
  name: 'catalog list',
  usage: 'catalog list',
  summary: 'the catalogs you can manage or read, with your roles',
  audience: 'admin',
  async run(call) {
    return catalogListView(await listCatalogs(call.engine, { userId: call.userId }));
  },
};
