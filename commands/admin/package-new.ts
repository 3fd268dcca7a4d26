import type { AccessCommand } from '../types.js';

export const packageNewCommand: AccessCommand = {
  name: 'package new',
  usage: 'package new',
  summary: 'create an access package, step by step (Basics → … → Review + create)',
  audience: 'admin',
  async run(call) {
    await call.slack.openPackageWizard();
    return null;
  },
};
