import type { Actor, EngineDeps } from '../../src/services/context.js';
import { packageAssignments } from '../../src/services/requests/request-queries.js';
import { packageAssignmentsView } from '../../views/admin/package-assignments.js';
import { type AdminReply, usageReply } from '../../views/admin/reply.js';
import type { Notice } from '../../views/notice.js';
import type { AccessCommand } from '../types.js';
import { type PackageRef, resolvePackage } from './resolve.js';

/** Who holds a package, each with a Remove button. */
export async function packageAssignmentsReply(
  deps: EngineDeps,
  actor: Actor,
  pkg: PackageRef,
  notice?: Notice,
): Promise<AdminReply> {
  const rows = await packageAssignments(deps, actor, pkg.id);
  return packageAssignmentsView(pkg, rows, notice);
}

export const assignmentsCommand: AccessCommand = {
  name: 'assignments',
  usage: 'assignments <package>',
  summary: 'who holds a package, until when, with Remove buttons',
  audience: 'admin',
  async run(call) {
    if (!call.args) return usageReply('assignments <package>', 'Say which package.');
    const actor = { userId: call.userId };
    const pkg = await resolvePackage(call.engine, actor, call.args);
    return packageAssignmentsReply(call.engine, actor, pkg);
  },
};
