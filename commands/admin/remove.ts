import { removeAssignment } from '../../src/services/requests/assignments.js';
import { doneReply } from '../../views/admin/reply.js';
import { mention, userText } from '../../views/mrkdwn.js';
import { personAndPackageCommand } from './person-and-package.js';

export const removeCommand = personAndPackageCommand({
  name: 'remove',
  summary: "end someone's access to a package now",
  async act(call, userId, pkg) {
    const result = await removeAssignment(
      call.engine,
      { userId: call.userId },
      { userId, packageId: pkg.id },
    );
    return doneReply(
      `${mention(userId)} no longer has *${userText(pkg.name, 140)}* (${result.request}); what it granted is being taken back.`,
      `${userId} no longer has ${pkg.name} (${result.request}).`,
    );
  },
});
