import { formatDuration } from '../../src/domain/expiry.js';
import type { PolicySettings } from '../../src/domain/policy.js';
import { mention, userText } from '../mrkdwn.js';
import { listWords, people, plural, usergroupMention } from './text.js';

/** A policy in sentences, for the wizard's review step and `package show`. */

export function requestorWords(s: PolicySettings): string {
  switch (s.requestorScope) {
    case 'none':
      return 'Nobody: only admins and assignment managers assign it';
    case 'all_members':
      return 'Every member of the workspace (not guests, Slack Connect users or bots)';
    case 'specific': {
      const parts = [
        ...(s.requestorUserIds.length ? [people(s.requestorUserIds)] : []),
        ...(s.requestorUsergroupIds.length
          ? [`members of ${listWords(s.requestorUsergroupIds.map(usergroupMention))}`]
          : []),
      ];
      const outside = s.allowExternalRequestors ? ' (Slack Connect users among them may request)' : '';
      return parts.length
        ? `Specific people: ${parts.join(', and ')}${outside}`
        : 'Specific people: nobody yet';
    }
  }
}

export function approvalWords(s: PolicySettings): string {
  if (s.approvalStages.length === 0) return 'No approval needed';
  return s.approvalStages
    .map((stage, index) => {
      const approvers = [
        ...stage.approverUserIds.map(mention),
        ...stage.approverUsergroupIds.map(usergroupMention),
      ];
      const fallback = [
        ...stage.fallbackUserIds.map(mention),
        ...stage.fallbackUsergroupIds.map(usergroupMention),
      ];
      return (
        `Stage ${index + 1}: ${listWords(approvers, 'nobody')}` +
        (fallback.length ? ` (fallback ${listWords(fallback)})` : '') +
        `, within ${plural(stage.decideWithinDays, 'day')}` +
        (stage.justificationRequired ? ', with a reason' : '')
      );
    })
    .join('\n');
}

export function questionWords(s: PolicySettings): string {
  if (s.questions.length === 0) return 'No questions';
  return s.questions
    .map((q) => {
      const kind =
        q.kind === 'choice' ? `choice of ${listWords(q.choices.map((c) => userText(c, 75)))}` : 'text';
      return `• ${userText(q.text, 300)} (${kind}${q.required ? ', required' : ', optional'})`;
    })
    .join('\n');
}

export function expiryWords(s: PolicySettings): string {
  const ends =
    s.expiry.kind === 'never'
      ? 'Never expires'
      : s.expiry.kind === 'date'
        ? `Expires on ${s.expiry.date.toISOString().slice(0, 10)}`
        : `Expires after ${formatDuration(s.expiry)}`;
  return `${ends}${s.customTimeline ? '; requestors may pick their own dates' : ''}`;
}

export function extensionWords(s: PolicySettings): string {
  if (!s.extension.allowed) return 'Extensions not allowed';
  return `Up to ${plural(s.extension.maxCount, 'extension')}, ${s.extension.requiresApproval ? 'with approval' : 'without approval'}`;
}

export function reviewWords(s: PolicySettings): string {
  if (!s.review) return 'No access reviews';
  const who =
    s.review.reviewerMode === 'self' ? 'by the people themselves' : `by ${people(s.review.reviewerIds)}`;
  const fallback = {
    keep: 'keep access',
    remove: 'remove access',
    recommendation: 'follow the recommendation',
  }[s.review.defaultDecision];
  return `Every ${plural(s.review.recurrenceDays, 'day')}, ${who}; unanswered: ${fallback}`;
}

/** The whole policy as label/value pairs (at most 10: one fields section). */
export function policyFields(s: PolicySettings): [string, string][] {
  return [
    ['Who can request', requestorWords(s)],
    ['Approval', approvalWords(s)],
    ['New requests', s.requestsEnabled ? 'Enabled' : 'Disabled'],
    ['Justification', s.justificationRequired ? 'Required' : 'Optional'],
    ['Requestor information', questionWords(s)],
    ['Expiry', expiryWords(s)],
    ['Extensions', extensionWords(s)],
    ['Access reviews', reviewWords(s)],
  ];
}
