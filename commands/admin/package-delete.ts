import { deletePackage } from '../../src/services/catalog/packages.js';
import { deliverAfterCommit } from '../../src/services/requests/approved-requests.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { plural } from '../../views/admin/text.js';
import { userText } from '../../views/mrkdwn.js';
import type { AccessCommand } from '../types.js';
import { takeFlag } from './args.js';
import { resolvePackage } from './resolve.js';

const USAGE = 'package delete <package> [--force]';

export const packageDeleteCommand: AccessCommand = {
  name: 'package delete',
  usage: USAGE,
  summary: 'delete a package; --force also removes the access of everyone who holds it',
  audience: 'admin',
  async run(call) {
    const { present: force, rest } = takeFlag(call.args, '--force');
    if (!rest) return usageReply(USAGE, 'Say which package to delete.');
    const actor = { userId: call.userId };
    const ref = await resolvePackage(call.engine, actor, rest);
    // Refused while someone holds it (package.has_assignments): the refusal says how to --force.
    const deleted = await deletePackage(call.engine, actor, { packageId: ref.id, force });
    await deliverAfterCommit(call.engine, deleted.fulfilmentIds, false);
    const ended = deleted.endedAssignmentIds.length;
    const canceled = deleted.canceledRequestIds.length;
    const effects = [
      ...(ended ? [`${plural(ended, 'person', 'people')} lost access`] : []),
      ...(canceled ? [`${plural(canceled, 'open request')} canceled`] : []),
    ];
    const tail = effects.length ? ` ${effects.join('; ')}.` : '';
    return doneReply(`*${userText(ref.name, 140)}* was deleted.${tail}`, `${ref.name} was deleted.${tail}`);
  },
};
