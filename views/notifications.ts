import type { KnownBlock } from '@slack/types';
import type { NotificationKind } from '../src/domain/notifications.js';
import { context, section } from './blocks.js';
import { formatDate, formatDateTime, mention, userText } from './mrkdwn.js';

/** An outbox row as the renderer sees it. */
export interface NotificationInput {
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
}

export interface NotificationMessage {
  text: string;
  blocks: KnownBlock[];
}

const str = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

/**
 * A DM for every notification the engine queues: one sentence that says what happened, to what,
 * and what the person can do next. User text (names, reasons, justifications) is escaped.
 */
export function renderNotification(n: NotificationInput): NotificationMessage {
  const d = n.data;
  const pkg = `*${userText(str(d.packageName), 150)}*`;
  const req = d.request ? ` (${str(d.request)})` : '';
  const why = (label: string, value: unknown) => (value ? `\n>${label}: ${userText(str(value), 1000)}` : '');
  const until = d.endsAt ? `, until ${formatDate(str(d.endsAt))}` : '';
  const line = (text: string, footer?: string): NotificationMessage => ({
    text: plainFallback(text),
    blocks: [section(text), ...(footer ? [context(footer)] : [])],
  });

  switch (n.kind) {
    case 'request_submitted':
      return line(
        `:inbox_tray: Your request for ${pkg}${req} was submitted.`,
        'You will get a message here when it is decided. `/access my` shows your open requests.',
      );
    case 'approval_needed':
    case 'approval_escalated':
      return line(
        `:raising_hand: ${mention(str(d.requestor))} asks for ${pkg}${req}${n.kind === 'approval_escalated' ? ' — escalated to you as a fallback approver' : ''}.${why('Justification', d.justification)}`,
        `Decide by ${d.dueAt ? formatDateTime(str(d.dueAt)) : 'the deadline'}: \`/access approvals\` lists what waits on you.`,
      );
    case 'request_stage_approved':
      return d.forApprover
        ? line(`${pkg}${req}: stage ${str(d.stage)} was approved by ${mention(str(d.decidedBy))}.`)
        : line(
            `:white_check_mark: Stage ${str(d.stage)} of your request for ${pkg}${req} was approved; it moves to the next approvers.`,
          );
    case 'request_approved':
      return d.forApprover
        ? line(`${pkg}${req} was approved by ${mention(str(d.decidedBy))}.${why('Reason', d.reason)}`)
        : line(`:white_check_mark: Your request for ${pkg}${req} was approved.${why('Reason', d.reason)}`);
    case 'request_denied':
      return d.forApprover
        ? line(`${pkg}${req} was denied by ${mention(str(d.decidedBy))}.${why('Reason', d.reason)}`)
        : line(
            `:no_entry: Your request for ${pkg}${req} was denied by ${mention(str(d.decidedBy))}.${why('Reason', d.reason)}`,
          );
    case 'request_canceled':
      return d.forApprover
        ? line(`${pkg}${req} was canceled; nothing to decide any more.${why('Note', d.note)}`)
        : line(`:wastebasket: Your request for ${pkg}${req} was canceled.${why('Note', d.note)}`);
    case 'request_timed_out':
      return d.forApprover
        ? line(`${pkg}${req} timed out: nobody decided in time.`)
        : line(
            `:hourglass: Your request for ${pkg}${req} timed out: nobody decided in time. You can ask again with \`/access request\`.`,
          );
    case 'request_scheduled':
      return line(
        `:calendar: Your request for ${pkg}${req} was approved; access starts ${d.startAt ? formatDateTime(str(d.startAt)) : 'at the start you chose'}.`,
      );
    case 'access_delivered':
      return line(`:key: You now have access to ${pkg}${until}.`, '`/access my` shows what you have.');
    case 'delivery_failed':
      return d.forAdmin
        ? line(
            `:rotating_light: Gatehouse gave up giving ${mention(str(d.userId))} ${userText(str(d.role))} on ${userText(str(d.resource))} (${pkg}).\n>${userText(str(d.error), 1000)}`,
            'Fix the cause, then retry the delivery.',
          )
        : line(
            `:warning: ${d.partial ? 'Part of your access to' : 'Your access to'} ${pkg} could not be set up yet. Gatehouse keeps trying; an admin has been told if it keeps failing.`,
          );
    case 'access_expiring':
      return line(
        `:alarm_clock: Your access to ${pkg} ends ${formatDateTime(str(d.endsAt))}.`,
        d.canExtend
          ? 'You can extend it: `/access extend <package>`.'
          : 'Ask again after it ends if you still need it.',
      );
    case 'access_extended':
      return line(`:arrows_counterclockwise: Your access to ${pkg} was extended${until}.`);
    case 'access_ended':
      return line(`:lock: Your access to ${pkg} ${endedWords(str(d.reason))}.${why('Note', d.note)}`);
    case 'review_requested':
      return line(
        `:mag: ${d.reminder ? 'Reminder: ' : ''}please review access to ${pkg}: ${str(d.items)} ${Number(d.items) === 1 ? 'person' : 'people'} to decide.`,
        `Due ${d.deadline ? formatDateTime(str(d.deadline)) : 'soon'}: \`/access reviews\` lists them.`,
      );
    case 'review_completed':
      return line(
        `:clipboard: The access review of ${pkg} is complete: ${str(d.kept ?? 0)} kept, ${str(d.removed ?? 0)} removed.`,
      );
    case 'reconciliation_report': {
      const outsiders = Array.isArray(d.outsiders) ? (d.outsiders as string[]) : [];
      const removed = Array.isArray(d.removed) ? (d.removed as string[]) : [];
      return line(
        `:mag_right: ${outsiders.map(mention).join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} in *${userText(str(d.resource), 150)}* without access from Gatehouse${removed.length ? `; removed: ${removed.map(mention).join(', ')}` : ''}.`,
        removed.length
          ? 'The resource is managed exclusively by Gatehouse.'
          : 'Add them through an access package, or mark the resource as managed exclusively to have them removed.',
      );
    }
  }
}

function endedWords(reason: string): string {
  switch (reason) {
    case 'expired':
      return 'has expired';
    case 'removed_by_user':
      return 'was removed, as you asked';
    case 'user_deactivated':
      return 'was removed because your account was deactivated';
    case 'review':
      return 'was removed after an access review';
    case 'package_deleted':
      return 'was removed because the package was deleted';
    default:
      return 'was removed by an admin';
  }
}

/** The notification text (push previews, screen readers): mrkdwn markers dropped. */
function plainFallback(text: string): string {
  return text
    .replace(/:[a-z_]+: /g, '')
    .replace(/\*/g, '')
    .replace(/\n>/g, ' — ');
}
