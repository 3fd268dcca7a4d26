import { GatehouseError, isGatehouseError } from '../../src/domain/errors.js';
import { extendAssignment } from '../../src/services/requests/assignments.js';
import { myAssignments } from '../../src/services/requests/request-queries.js';
import { section } from '../../views/blocks.js';
import { extendJustificationModal } from '../../views/portal/extend-modal.js';
import { engineText } from '../../views/portal/notice.js';
import { extendedSentence } from '../../views/portal/outcomes.js';
import { unescapeSlackText } from '../router.js';
import type { AccessCommand } from '../types.js';
import { matchHeldPackage } from './held-package.js';

const MAX_JUSTIFICATION = 2000;

export const extendCommand: AccessCommand = {
  name: 'extend',
  usage: 'extend <package> [why]',
  summary: 'ask for more time on access you have; what follows the name is your justification',
  audience: 'everyone',
  async run(call) {
    const held = await myAssignments(call.ctx.engine, call.userId);
    const typed = unescapeSlackText(call.args);
    const names = held.map((a) => a.packageName).join(', ');
    if (!typed.trim()) {
      throw new GatehouseError(
        'input.invalid',
        held.length
          ? `Say which access to extend: \`/access extend <package>\`. You have ${names}.`
          : "You don't have any access to extend.",
      );
    }
    const match = matchHeldPackage(held, typed);
    if (match.kind === 'none') {
      throw new GatehouseError(
        'assignment.not_found',
        held.length
          ? `You don't have a package called ${typed.trim()}. You have ${names}.`
          : `You don't have ${typed.trim()}, or any other access, so there is nothing to extend.`,
      );
    }
    if (match.kind === 'ambiguous') {
      throw new GatehouseError(
        'input.invalid',
        `"${typed.trim()}" could be ${match.matches.map((a) => a.packageName).join(' or ')}: type more of the name.`,
      );
    }
    const { assignment, rest } = match;
    if (rest.length > MAX_JUSTIFICATION) {
      throw new GatehouseError(
        'input.invalid',
        `Keep the justification to ${MAX_JUSTIFICATION} characters or fewer.`,
      );
    }
    try {
      const result = await extendAssignment(
        call.ctx.engine,
        { userId: call.userId },
        { assignmentId: assignment.assignmentId, ...(rest ? { justification: rest } : {}) },
      );
      const text = `:white_check_mark: ${engineText(extendedSentence(assignment.packageName, result))}`;
      return { text, blocks: [section(text)] };
    } catch (error) {
      if (!isGatehouseError(error, 'policy.justification_required') || rest) throw error;
      await call.client.views.open({
        trigger_id: call.triggerId,
        view: extendJustificationModal({
          metadata: { assignmentId: assignment.assignmentId, origin: { kind: 'command' } },
          packageName: assignment.packageName,
        }),
      });
      return null;
    }
  },
};
