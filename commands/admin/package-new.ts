import { openPackageWizard } from '../../src/slack/listeners/admin/wizard/open.js';
import { refusalReply } from '../../views/admin/reply.js';
import type { AccessCommand } from '../types.js';
import { answer } from './args.js';

export const packageNewCommand: AccessCommand = {
  name: 'package new',
  usage: 'package new',
  summary: 'create an access package, step by step (Basics → … → Review + create)',
  audience: 'admin',
  run: (call) =>
    answer(async () => {
      const refusal = await openPackageWizard(call.ctx, call.client, {
        userId: call.userId,
        triggerId: call.triggerId,
      });
      return refusal ? refusalReply(refusal) : null;
    }),
};
