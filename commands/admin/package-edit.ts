import { usageReply } from '../../views/admin/reply.js';
import type { AccessCommand } from '../types.js';

export const packageEditCommand: AccessCommand = {
  name: 'package edit',
  usage: 'package edit <package>',
  summary: 'change a package: basics, hidden, resource roles, its policy, incompatible packages',
  audience: 'admin',
  async run(call) {
    if (!call.args) return usageReply('package edit <package>', 'Say which package to edit.');
    await call.slack.openPackageWizard(call.args);
    return null;
  },
};
