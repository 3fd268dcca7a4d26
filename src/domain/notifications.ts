/**
 * What the engine tells people. Each is one outbox row ({kind, recipient, data}); the Slack
 * layer renders it into a DM. `data` holds ids and the words needed to render without a lookup.
 */
export const NOTIFICATION_KINDS = [
  'request_submitted',
  'approval_needed',
  'approval_escalated',
  'request_approved',
  'request_stage_approved',
  'request_denied',
  'request_canceled',
  'request_timed_out',
  'request_scheduled',
  'access_delivered',
  'delivery_failed',
  'access_expiring',
  'access_extended',
  'access_ended',
  'review_requested',
  'review_completed',
  'reconciliation_report',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  kind: NotificationKind;
  recipient: string;
  data: Record<string, unknown>;
  /** Same key, same message: inserting it twice sends it once. */
  idempotencyKey: string;
}
