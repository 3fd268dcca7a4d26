import { isGatehouseError } from '../../src/domain/errors.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import type { CommandCall } from '../../src/slack/context.js';
import { ensureUser } from '../../src/slack/directory.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { mention, userText } from '../../views/mrkdwn.js';
import type { AccessCommand } from '../types.js';
import { answer, leadingMention, personAndPackageSchema } from './args.js';
import { resolvePackage } from './resolve.js';

const USAGE = 'assign @person <package>';

/** assignDirect; a person Gatehouse hasn't met yet is looked up in Slack first, then it is tried again. */
async function assign(call: CommandCall, userId: string, packageId: number) {
  const actor = { userId: call.userId };
  try {
    return await assignDirect(call.ctx.engine, actor, { userId, packageId });
  } catch (error) {
    if (!isGatehouseError(error, 'user.not_found')) throw error;
    await ensureUser(call.ctx, call.client, userId);
    return assignDirect(call.ctx.engine, actor, { userId, packageId });
  }
}

export const assignCommand: AccessCommand = {
  name: 'assign',
  usage: USAGE,
  summary: 'give someone a package directly, without a request',
  audience: 'admin',
  run: (call) =>
    answer(async () => {
      const person = leadingMention(call.args);
      const parsed = personAndPackageSchema.safeParse({ userId: person?.userId, packageText: person?.rest });
      if (!parsed.success) return usageReply(USAGE, 'Name the person with an @mention, then the package.');
      const pkg = await resolvePackage(call.ctx.engine, { userId: call.userId }, parsed.data.packageText);
      const result = await assign(call, parsed.data.userId, pkg.id);
      return doneReply(
        `${mention(parsed.data.userId)} now gets *${userText(pkg.name, 140)}* (${result.request}); they are told by DM once it is set up.`,
        `${parsed.data.userId} now gets ${pkg.name} (${result.request}).`,
      );
    }),
};
