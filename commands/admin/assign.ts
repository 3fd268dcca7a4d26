import { isGatehouseError } from '../../src/domain/errors.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import { doneReply } from '../../views/admin/reply.js';
import { mention, userText } from '../../views/mrkdwn.js';
import type { CommandCall } from '../types.js';
import { personAndPackageCommand } from './person-and-package.js';

/** assignDirect; a person Gatehouse hasn't met yet is looked up in Slack first, then it is tried again. */
async function assign(call: CommandCall, userId: string, packageId: number) {
  const actor = { userId: call.userId };
  try {
    return await assignDirect(call.engine, actor, { userId, packageId });
  } catch (error) {
    if (!isGatehouseError(error, 'user.not_found')) throw error;
    await call.slack.lookUpUser(userId);
    return assignDirect(call.engine, actor, { userId, packageId });
  }
}

export const assignCommand = personAndPackageCommand({
  name: 'assign',
  summary: 'give someone a package directly, without a request',
  async act(call, userId, pkg) {
    const result = await assign(call, userId, pkg.id);
    return doneReply(
      `${mention(userId)} now gets *${userText(pkg.name, 140)}* (${result.request}); they are told by DM once it is set up.`,
      `${userId} now gets ${pkg.name} (${result.request}).`,
    );
  },
});
