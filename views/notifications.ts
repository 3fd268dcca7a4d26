import type { KnownBlock } from '@slack/types';
import type { NotificationKind, NotificationPayloads } from '../src/domain/notifications.js';
import { formatRequestId } from '../src/domain/states.js';
import { renderDeliveryAbandoned } from './admin/delivery-abandoned.js';
import { context, section } from './blocks.js';
import { formatDate, formatDateTime, mention, userText } from './mrkdwn.js';

/** An outbox row as the renderer sees it: stored JSON, the payload of its kind. */
export interface NotificationInput {
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
}

export interface NotificationMessage {
  text: string;
  blocks: KnownBlock[];
}

type Renderer<K extends NotificationKind> = (data: NotificationPayloads[K]) => NotificationMessage;

const str = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

/** The package name, bold and escaped. */
const pkg = (d: { packageName?: unknown }) => `*${userText(str(d.packageName), 150)}*`;

/** ` (R-1042)`: every request notification names its request (rows queued before carry only the id). */
const req = (d: { request?: unknown; requestId?: unknown }) => {
  if (d.request) return ` (${str(d.request)})`;
  const id = Number(d.requestId);
  return Number.isSafeInteger(id) && id > 0 ? ` (${formatRequestId(id)})` : '';
};

const why = (label: string, value: unknown) => (value ? `\n>${label}: ${userText(str(value), 1000)}` : '');
const until = (d: { endsAt?: unknown }) => (d.endsAt ? `, until ${formatDate(str(d.endsAt))}` : '');

const line = (text: string, footer?: string): NotificationMessage => ({
  text: plainFallback(text),
  blocks: [section(text), ...(footer ? [context(footer)] : [])],
});

const approvalRequest = (
  d: NotificationPayloads['approval_needed'] | NotificationPayloads['approval_escalated'],
  escalated: boolean,
) =>
  line(
    `:raising_hand: ${mention(str(d.requestor))} asks for ${pkg(d)}${req(d)}${escalated ? ' — escalated to you as a fallback approver' : ''}.${why('Justification', d.justification)}`,
    `Decide by ${d.dueAt ? formatDateTime(str(d.dueAt)) : 'the deadline'}: \`/access approvals\` lists what waits on you.`,
  );

/**
 * A DM for every notification the engine queues, one renderer per kind (a kind without one does
 * not compile, and test/views/notification-renderers.test.ts renders each): one sentence that says
 * what happened, to what, and what the person can do next. User text (names, reasons,
 * justifications) is escaped.
 */
export const NOTIFICATION_RENDERERS: { [K in NotificationKind]: Renderer<K> } = {
  request_submitted: (d) =>
    line(
      `:inbox_tray: Your request for ${pkg(d)}${req(d)} was submitted.`,
      'You will get a message here when it is decided. `/access my` shows your open requests.',
    ),
  approval_needed: (d) => approvalRequest(d, false),
  approval_escalated: (d) => approvalRequest(d, true),
  request_stage_approved: (d) =>
    'forApprover' in d && d.forApprover
      ? line(`${pkg(d)}${req(d)}: stage ${str(d.stage)} was approved by ${mention(str(d.decidedBy))}.`)
      : line(
          `:white_check_mark: Stage ${str(d.stage)} of your request for ${pkg(d)}${req(d)} was approved; it moves to the next approvers.`,
        ),
  request_approved: (d) =>
    d.forApprover
      ? line(`${pkg(d)}${req(d)} was approved by ${mention(str(d.decidedBy))}.${why('Reason', d.reason)}`)
      : line(
          `:white_check_mark: Your request for ${pkg(d)}${req(d)} was approved.${why('Reason', d.reason)}`,
        ),
  request_denied: (d) =>
    d.forApprover
      ? line(`${pkg(d)}${req(d)} was denied by ${mention(str(d.decidedBy))}.${why('Reason', d.reason)}`)
      : line(
          `:no_entry: Your request for ${pkg(d)}${req(d)} was denied by ${mention(str(d.decidedBy))}.${why('Reason', d.reason)}`,
        ),
  request_canceled: (d) =>
    d.forApprover
      ? line(`${pkg(d)}${req(d)} was canceled; nothing to decide any more.${why('Note', d.note)}`)
      : line(`:wastebasket: Your request for ${pkg(d)}${req(d)} was canceled.${why('Note', d.note)}`),
  request_timed_out: (d) =>
    d.forApprover
      ? line(`${pkg(d)}${req(d)} timed out: nobody decided in time.`)
      : line(
          `:hourglass: Your request for ${pkg(d)}${req(d)} timed out: nobody decided in time. You can ask again with \`/access request\`.`,
        ),
  request_scheduled: (d) =>
    line(
      `:calendar: Your request for ${pkg(d)}${req(d)} was approved; access starts ${d.startAt ? formatDateTime(str(d.startAt)) : 'at the start you chose'}.`,
    ),
  access_delivered: (d) =>
    line(`:key: You now have access to ${pkg(d)}${until(d)}.`, '`/access my` shows what you have.'),
  delivery_failed: (d) =>
    d.forAdmin
      ? renderDeliveryAbandoned(d as unknown as Record<string, unknown>)
      : line(
          `:warning: ${d.partial ? 'Part of your access to' : 'Your access to'} ${pkg(d)} could not be set up yet. Gatehouse keeps trying; an admin has been told if it keeps failing.`,
        ),
  access_expiring: (d) =>
    line(
      `:alarm_clock: Your access to ${pkg(d)} ends ${formatDateTime(str(d.endsAt))}.`,
      d.canExtend
        ? 'You can extend it: `/access extend <package>`.'
        : 'Ask again after it ends if you still need it.',
    ),
  access_extended: (d) => line(`:arrows_counterclockwise: Your access to ${pkg(d)} was extended${until(d)}.`),
  access_ended: (d) =>
    line(`:lock: Your access to ${pkg(d)} ${endedWords(str(d.reason))}.${why('Note', d.note)}`),
  review_requested: (d) =>
    line(
      `:mag: ${d.reminder ? 'Reminder: ' : ''}please review access to ${pkg(d)}: ${str(d.items)} ${Number(d.items) === 1 ? 'person' : 'people'} to decide.`,
      `Due ${d.deadline ? formatDateTime(str(d.deadline)) : 'soon'}: \`/access reviews\` lists them.`,
    ),
  review_completed: (d) =>
    line(
      `:clipboard: The access review of ${pkg(d)} is complete: ${str(d.kept ?? 0)} kept, ${str(d.removed ?? 0)} removed.`,
    ),
  reconciliation_report: (d) => {
    const outsiders = Array.isArray(d.outsiders) ? d.outsiders : [];
    const removed = Array.isArray(d.removed) ? d.removed : [];
    return line(
      `:mag_right: ${outsiders.map(mention).join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} in *${userText(str(d.resource), 150)}* without access from Gatehouse${removed.length ? `; removed: ${removed.map(mention).join(', ')}` : ''}.`,
      removed.length
        ? 'The resource is managed exclusively by Gatehouse.'
        : 'Add them through an access package, or mark the resource as managed exclusively to have them removed.',
    );
  },
};

/**
 * Renders a stored notification with its kind's renderer. The row is JSON the engine wrote with
 * its kind's payload (domain/notifications.ts); the renderers still read it defensively, since
 * rows queued by an earlier release wait in the outbox across a deploy.
 */
export function renderNotification(n: NotificationInput): NotificationMessage {
  const render = NOTIFICATION_RENDERERS[n.kind] as Renderer<NotificationKind> | undefined;
  if (!render) throw new Error(`no renderer for notification kind ${String(n.kind)}`);
  return render(n.data as unknown as NotificationPayloads[NotificationKind]);
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
