import type { Actor, EngineDeps } from '../../src/services/context.js';
import { packageRequests } from '../../src/services/requests/request-queries.js';
import { type PackageRequestRow, packageRequestsView } from '../../views/admin/package-requests.js';
import { type AdminReply, usageReply } from '../../views/admin/reply.js';
import type { AccessCommand } from '../types.js';
import { type PackageRef, resolvePackage } from './resolve.js';

/** Requests shown at once: the policy name of each is read with the request. */
const SHOWN = 25;

/** A package's requests, newest first, with the policy each was made under. */
export async function packageRequestsReply(
  deps: EngineDeps,
  actor: Actor,
  pkg: PackageRef,
): Promise<AdminReply> {
  const summaries = await packageRequests(deps, actor, pkg.id, { limit: 101 });
  const shown = summaries.slice(0, SHOWN);
  const rows: PackageRequestRow[] = shown.map((s) => ({
    request: s.request,
    type: s.type,
    userId: s.userId,
    requestedBy: s.requestedBy,
    policyName: s.policyName,
    outcome: s.outcome,
    createdAt: s.createdAt,
  }));
  return packageRequestsView(pkg.name, rows, summaries.length);
}

export const requestsCommand: AccessCommand = {
  name: 'requests',
  usage: 'requests <package>',
  summary: "a package's requests: who, under which policy, status",
  audience: 'admin',
  async run(call) {
    if (!call.args) return usageReply('requests <package>', 'Say which package.');
    const actor = { userId: call.userId };
    const pkg = await resolvePackage(call.engine, actor, call.args);
    return packageRequestsReply(call.engine, actor, pkg);
  },
};
