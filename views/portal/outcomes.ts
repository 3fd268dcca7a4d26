import type { ExtendResult } from '../../src/services/requests/extensions.js';
import { formatDate, mention, userText } from '../mrkdwn.js';

/**
 * The sentences that answer a portal action, as mrkdwn: package names are escaped here, people
 * are mentions built from their ids. Shown as notices (views/notice.ts) as they are.
 */

const name = (packageName: string) => userText(packageName, 150);

export function extendedSentence(packageName: string, result: ExtendResult): string {
  if (!result.extended) {
    return `Your request to extend ${name(packageName)}${result.request ? ` (${result.request})` : ''} went to the approvers. You'll get a message when it is decided; your access stays as it is until then.`;
  }
  return result.endsAt
    ? `Extended ${name(packageName)}: your access now ends ${formatDate(result.endsAt)}.`
    : `Extended ${name(packageName)}: your access no longer has an end date.`;
}

export function removedSentence(packageName: string, request: string): string {
  return `Done: your access to ${name(packageName)} was removed (${request}). You can request it again any time.`;
}

/** `subject` is "Your access" or a person's mention (decisionSubject). */
export function reviewDecisionSentence(
  decision: 'keep' | 'remove',
  subject: string,
  packageName: string,
): string {
  const whose = subject === 'Your access' ? 'your access' : `${subject}'s access`;
  return decision === 'keep'
    ? `Saved: keep ${whose} to ${name(packageName)}.`
    : `Saved: remove ${whose} to ${name(packageName)}. It ends when the review is applied; until then you can change your mind.`;
}

/** "Your access" or the person's mention, as the decision sentences name them. */
export function decisionSubject(itemUserId: string, viewerId: string): string {
  return itemUserId === viewerId ? 'Your access' : mention(itemUserId);
}
