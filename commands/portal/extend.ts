import { GatehouseError, isGatehouseError, sentence, typed } from '../../src/domain/errors.js';
import { extendAssignment } from '../../src/services/requests/assignments.js';
import { myAssignments } from '../../src/services/requests/request-queries.js';
import { section } from '../../views/blocks.js';
import { noticeText } from '../../views/notice.js';
import { extendJustificationModal } from '../../views/portal/extend-modal.js';
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
    const held = await myAssignments(call.engine, call.userId);
    const text = unescapeSlackText(call.args);
    const names = held.map((a) => a.packageName).join(', ');
    if (!text.trim()) {
      throw new GatehouseError(
        'input.invalid',
        held.length
          ? sentence`Say which access to extend: ${typed('/access extend <package>')}. You have ${names}.`
          : "You don't have any access to extend.",
      );
    }
    const match = matchHeldPackage(held, text);
    if (match.kind === 'none') {
      throw new GatehouseError(
        'assignment.not_found',
        held.length
          ? `You don't have a package called ${text.trim()}. You have ${names}.`
          : `You don't have ${text.trim()}, or any other access, so there is nothing to extend.`,
      );
    }
    if (match.kind === 'ambiguous') {
      throw new GatehouseError(
        'input.invalid',
        `"${text.trim()}" could be ${match.matches.map((a) => a.packageName).join(' or ')}: type more of the name.`,
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
        call.engine,
        { userId: call.userId },
        { assignmentId: assignment.assignmentId, ...(rest ? { justification: rest } : {}) },
      );
      const done = noticeText({ kind: 'done', mrkdwn: extendedSentence(assignment.packageName, result) });
      return { text: done, blocks: [section(done)] };
    } catch (error) {
      // Not a refusal to show: the policy wants a justification, and the modal asks for it.
      if (!isGatehouseError(error, 'policy.justification_required') || rest) throw error;
      await call.slack.openModal(
        extendJustificationModal({
          metadata: { assignmentId: assignment.assignmentId, origin: { kind: 'command' } },
          packageName: assignment.packageName,
        }),
      );
      return null;
    }
  },
};
