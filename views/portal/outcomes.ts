import type { ExtendResult } from '../../src/services/requests/extensions.js';
import { formatDate } from '../mrkdwn.js';

/**
 * The sentences that answer a portal action. Plain text with package names as typed: they are
 * shown through noticeBlock / engineText, which escape them.
 */

export function extendedSentence(packageName: string, result: ExtendResult): string {
  if (!result.extended) {
    return `Your request to extend ${packageName}${result.request ? ` (${result.request})` : ''} went to the approvers. You'll get a message when it is decided; your access stays as it is until then.`;
  }
  return result.endsAt
    ? `Extended ${packageName}: your access now ends ${formatDate(result.endsAt)}.`
    : `Extended ${packageName}: your access no longer has an end date.`;
}

export function removedSentence(packageName: string, request: string): string {
  return `Done: your access to ${packageName} was removed (${request}). You can request it again any time.`;
}

/** `subject` is "Your access" or a mention such as `<@U1>`. */
export function reviewDecisionSentence(
  decision: 'keep' | 'remove',
  subject: string,
  packageName: string,
): string {
  const whose = subject === 'Your access' ? 'your access' : `${subject}'s access`;
  return decision === 'keep'
    ? `Saved: keep ${whose} to ${packageName}.`
    : `Saved: remove ${whose} to ${packageName}. It ends when the review is applied; until then you can change your mind.`;
}

/** "Your access" or the person's mention, as the decision sentences name them. */
export function decisionSubject(itemUserId: string, viewerId: string): string {
  return itemUserId === viewerId ? 'Your access' : `<@${itemUserId}>`;
}
