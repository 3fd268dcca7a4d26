import { usageReply } from '../../views/admin/reply.js';
import type { AccessCommand, CommandCall, CommandReply } from '../types.js';
import { leadingMention, personAndPackageSchema } from './args.js';
import { type PackageRef, resolvePackage } from './resolve.js';

/**
 * An admin command typed as `<name> @person <package>` (assign, remove): the person and the
 * package are read, the package resolved by its name, and then `act` does the command's work.
 */
export function personAndPackageCommand(spec: {
  name: string;
  summary: string;
  act(call: CommandCall, userId: string, pkg: PackageRef): Promise<CommandReply>;
}): AccessCommand {
  const usage = `${spec.name} @person <package>`;
  return {
    name: spec.name,
    usage,
    summary: spec.summary,
    audience: 'admin',
    async run(call) {
      const person = leadingMention(call.args);
      const parsed = personAndPackageSchema.safeParse({ userId: person?.userId, packageText: person?.rest });
      if (!parsed.success) return usageReply(usage, 'Name the person with an @mention, then the package.');
      const pkg = await resolvePackage(call.engine, { userId: call.userId }, parsed.data.packageText);
      return spec.act(call, parsed.data.userId, pkg);
    },
  };
}
