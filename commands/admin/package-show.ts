import { getPackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { packageAssignments } from '../../src/services/requests/request-queries.js';
import { packageDetailsView } from '../../views/admin/package-details.js';
import { usageReply } from '../../views/admin/reply.js';
import type { AccessCommand } from '../types.js';
import { resolvePackage } from './resolve.js';

export const packageShowCommand: AccessCommand = {
  name: 'package show',
  usage: 'package show <package>',
  summary: 'a package in detail: resource roles, policies in words, who holds it',
  audience: 'admin',
  async run(call) {
    if (!call.args) return usageReply('package show <package>', 'Say which package.');
    const actor = { userId: call.userId };
    const ref = await resolvePackage(call.engine, actor, call.args);
    const details = await getPackageDetails(call.engine, actor, { package: ref.id });
    const holders = await packageAssignments(call.engine, actor, ref.id);
    return packageDetailsView(details, holders.length);
  },
};
