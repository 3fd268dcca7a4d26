import { myAssignments, myRequests } from '../../src/services/requests/request-queries.js';
import { myAccessView } from '../../views/portal/my-access.js';
import type { AccessCommand } from '../types.js';

export const myCommand: AccessCommand = {
  name: 'my',
  aliases: ['my access', 'mine'],
  usage: 'my',
  summary: 'your access with its end dates (Extend, I’m done) and your open requests (Cancel)',
  audience: 'everyone',
  async run(call) {
    return myAccessView({
      assignments: await myAssignments(call.engine, call.userId),
      openRequests: await myRequests(call.engine, call.userId, { open: true }),
    });
  },
};
