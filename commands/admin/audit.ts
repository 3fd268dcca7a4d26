import type { Actor, EngineDeps } from '../../src/services/context.js';
import { auditTrail } from '../../src/services/requests/request-queries.js';
import { AUDIT_PAGE_SIZE, type AuditTarget, auditView } from '../../views/admin/audit.js';
import { type AdminReply, usageReply } from '../../views/admin/reply.js';
import type { AccessCommand } from '../types.js';
import { leadingMention } from './args.js';
import { resolvePackage } from './resolve.js';

const USAGE = 'audit <package> | audit @person';

/** One page of a trail, newest first; one row more than the page says whether there is another. */
export async function auditPageReply(
  deps: EngineDeps,
  actor: Actor,
  target: AuditTarget,
  offset: number,
): Promise<AdminReply> {
  const where = 'packageId' in target ? { packageId: target.packageId } : { userId: target.userId };
  const rows = await auditTrail(deps, actor, where, { limit: offset + AUDIT_PAGE_SIZE + 1 });
  const page = rows.slice(offset, offset + AUDIT_PAGE_SIZE);
  return auditView(target, page, offset, rows.length > offset + AUDIT_PAGE_SIZE);
}

export const auditCommand: AccessCommand = {
  name: 'audit',
  usage: USAGE,
  summary: 'what happened to a package, or what a person did and had done',
  audience: 'admin',
  async run(call) {
    if (!call.args) return usageReply(USAGE, 'Say whose trail: a package or a person.');
    const actor = { userId: call.userId };
    const person = leadingMention(call.args);
    if (person && !person.rest) return auditPageReply(call.engine, actor, { userId: person.userId }, 0);
    const pkg = await resolvePackage(call.engine, actor, call.args);
    return auditPageReply(call.engine, actor, { packageId: pkg.id, packageName: pkg.name }, 0);
  },
};
