import { requestablePackages } from '../../src/services/catalog/catalog-queries.js';
import { requestablePackagesView } from '../../views/portal/package-list.js';
import type { AccessCommand } from '../types.js';

export const listCommand: AccessCommand = {
  name: 'list',
  usage: 'list',
  summary: 'the access packages you can request, each with a Request button',
  audience: 'everyone',
  async run(call) {
    const packages = await requestablePackages(call.engine, { userId: call.userId }, { userId: call.userId });
    return requestablePackagesView(packages);
  },
};
