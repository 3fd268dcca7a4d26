import { openPackageWizard } from '../../src/slack/listeners/admin/wizard/open.js';
import { refusalReply, usageReply } from '../../views/admin/reply.js';
import type { AccessCommand } from '../types.js';
import { answer } from './args.js';

export const packageEditCommand: AccessCommand = {
  name: 'package edit',
  usage: 'package edit <package>',
  summary: 'change a package: basics, hidden, resource roles, its policy, incompatible packages',
  audience: 'admin',
  run: (call) =>
    answer(async () => {
      if (!call.args) return usageReply('package edit <package>', 'Say which package to edit.');
      const refusal = await openPackageWizard(call.ctx, call.client, {
        userId: call.userId,
        triggerId: call.triggerId,
        packageText: call.args,
      });
      return refusal ? refusalReply(refusal) : null;
    }),
};
