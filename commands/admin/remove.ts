import { removeAssignment } from '../../src/services/requests/assignments.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { mention, userText } from '../../views/mrkdwn.js';
import type { AccessCommand } from '../types.js';
import { answer, leadingMention, personAndPackageSchema } from './args.js';
import { resolvePackage } from './resolve.js';

const USAGE = 'remove @person <package>';

export const removeCommand: AccessCommand = {
  name: 'remove',
  usage: USAGE,
  summary: "end someone's access to a package now",
  audience: 'admin',
  run: (call) =>
    answer(async () => {
      const person = leadingMention(call.args);
      const parsed = personAndPackageSchema.safeParse({ userId: person?.userId, packageText: person?.rest });
      if (!parsed.success) return usageReply(USAGE, 'Name the person with an @mention, then the package.');
      const actor = { userId: call.userId };
      const pkg = await resolvePackage(call.ctx.engine, actor, parsed.data.packageText);
      const result = await removeAssignment(call.ctx.engine, actor, {
        userId: parsed.data.userId,
        packageId: pkg.id,
      });
      return doneReply(
        `${mention(parsed.data.userId)} no longer has *${userText(pkg.name, 140)}* (${result.request}); what it granted is being taken back.`,
        `${parsed.data.userId} no longer has ${pkg.name} (${result.request}).`,
      );
    }),
};
