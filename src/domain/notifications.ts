import type { ReviewerMode, ReviewOutcomeCounts } from './review.js';
import { type EndReason, formatRequestId, type RequestType } from './states.js';

/**
 * What the engine tells people. Each is one outbox row ({kind, recipient, data}); the Slack layer
 * renders it into a DM (views/notifications.ts). `data` holds ids and the words needed to render
 * without a lookup. The payload of every kind is declared once, here; rows are built only by
 * `notification()`, which also derives each kind's idempotency key.
 */

/** Every request notification names its request: the id, `R-…` as people type it, the package. */
export interface RequestSubject {
  requestId: number;
  request: string;
  packageId: number;
  packageName: string;
}

/** An approver's copy of what became of a request they were asked to decide: their card is updated. */
export interface ApproverCopy {
  forApprover: true;
  requestor: string;
  stage: number;
}

export interface DecisionWords {
  stage: number;
  decidedBy: string;
  reason: string | null;
}

/** What an approval card shows; answers carry their question's words. */
export interface ApprovalCard extends RequestSubject {
  type: RequestType;
  requestor: string;
  justification: string | null;
  answers: { id: string; question: string; answer: string | undefined }[];
  startAt: string | null;
  endAt: string | null;
  stages: number;
  stage: number;
  /** Why this person approves (named approver, member of a group, fallback approver). */
  reason: string;
  isFallback: boolean;
}

export interface AssignmentSubject {
  assignmentId: number;
  packageId: number;
  packageName: string;
}

/** The admins' copy when Gatehouse gave up a grant: what failed for whom, with a Retry button. */
export interface AbandonedDelivery extends AssignmentSubject {
  forAdmin: true;
  fulfilmentId: number;
  userId: string;
  resource: string;
  role: string;
  error: string;
}

export interface NotificationPayloads {
  request_submitted: RequestSubject & {
    type: RequestType;
    needsApproval: boolean;
    stages: number;
    startAt: string | null;
    endAt: string | null;
  };
  approval_needed: ApprovalCard & { dueAt: string };
  approval_escalated: ApprovalCard & { dueAt: string | null; firstApprovers: string[] };
  request_approved: RequestSubject & DecisionWords & Partial<ApproverCopy>;
  request_stage_approved: RequestSubject &
    DecisionWords & { nextStage: number } & ({ stages: number } | ApproverCopy);
  request_denied: RequestSubject & DecisionWords & Partial<ApproverCopy>;
  request_canceled: RequestSubject & { note: string } & Partial<ApproverCopy>;
  request_timed_out: RequestSubject & { requestor: string; stage: number; forApprover?: true };
  request_scheduled: RequestSubject & { startAt: string };
  access_delivered: AssignmentSubject & { requestId: number | null; endsAt: string | null };
  delivery_failed:
    | (AssignmentSubject & {
        requestId: number | null;
        endsAt: string | null;
        partial: boolean;
        error: string | null;
        forAdmin?: undefined;
      })
    | AbandonedDelivery;
  access_expiring: AssignmentSubject & { endsAt: string; offsetHours: number; canExtend: boolean };
  access_extended: AssignmentSubject & {
    requestId: number | null;
    endsAt: string | null;
    previousEndsAt: string | null;
    extensionCount: number;
  };
  access_ended: AssignmentSubject & { reason: EndReason; note: string | null; endedAt: string };
  review_requested: {
    reviewId: number;
    packageId: number;
    packageName: string;
    reviewerMode: ReviewerMode;
    items: number;
    deadline: string;
    /** Self-review: the reviewer's own assignment. */
    assignmentId?: number;
    reminder?: true;
  };
  review_completed: ReviewOutcomeCounts & {
    reviewId: number;
    packageId: number;
    packageName: string;
    defaultBasis?: 'no_recommendation_available';
  };
  reconciliation_report: {
    resourceId: number;
    resource: string;
    kind: string;
    outsiders: string[];
    removed: string[];
    /** The UTC day of the report: the same finding is reported once a day. */
    day: string;
  };
}

export type NotificationKind = keyof NotificationPayloads;

export type NotificationOf<K extends NotificationKind> = {
  kind: K;
  recipient: string;
  data: NotificationPayloads[K];
  /** Same key, same message: inserting it twice sends it once. */
  idempotencyKey: string;
};

export type Notification = { [K in NotificationKind]: NotificationOf<K> }[NotificationKind];

const copyKey = (kind: string, d: { requestId: number; stage?: number }, recipient: string) =>
  `${kind}:${d.requestId}:${d.stage}:${recipient}`;

/** Each kind's idempotency key: one message per event and recipient, whoever queues it again. */
const KEYS: { [K in NotificationKind]: (recipient: string, data: NotificationPayloads[K]) => string } = {
  request_submitted: (_, d) => `request_submitted:${d.requestId}`,
  approval_needed: (r, d) => copyKey('approval_needed', d, r),
  approval_escalated: (r, d) => copyKey('approval_escalated', d, r),
  request_approved: (r, d) =>
    d.forApprover ? copyKey('request_approved', d, r) : `request_approved:${d.requestId}`,
  request_stage_approved: (r, d) =>
    'forApprover' in d
      ? copyKey('request_stage_approved', d, r)
      : `request_stage_approved:${d.requestId}:${d.stage}`,
  request_denied: (r, d) =>
    d.forApprover ? copyKey('request_denied', d, r) : `request_denied:${d.requestId}`,
  request_canceled: (r, d) =>
    d.forApprover ? copyKey('request_canceled', d, r) : `request_canceled:${d.requestId}`,
  request_timed_out: (r, d) =>
    d.forApprover ? copyKey('request_timed_out', d, r) : `request_timed_out:${d.requestId}`,
  request_scheduled: (_, d) => `request_scheduled:${d.requestId}`,
  access_delivered: (_, d) => `access_delivered:${d.assignmentId}`,
  delivery_failed: (r, d) =>
    d.forAdmin ? `delivery_abandoned:${d.fulfilmentId}:${r}` : `delivery_failed:${d.assignmentId}`,
  access_expiring: (_, d) => `access_expiring:${d.assignmentId}:${d.offsetHours}:${d.endsAt}`,
  access_extended: (_, d) => `access_extended:${d.assignmentId}:${d.extensionCount}`,
  access_ended: (_, d) => `access_ended:${d.assignmentId}`,
  review_requested: (r, d) => `review_requested:${d.reviewId}:${r}${d.reminder ? ':reminder' : ''}`,
  review_completed: (r, d) => `review_completed:${d.reviewId}:${r}`,
  reconciliation_report: (r, d) =>
    `reconciliation_report:${d.resourceId}:${d.day}:${[...d.outsiders].sort().join(',')}:${r}`,
};

/** Every kind, in declaration order (a kind missing from KEYS does not compile). */
export const NOTIFICATION_KINDS = Object.keys(KEYS) as NotificationKind[];

export function isNotificationKind(kind: string): kind is NotificationKind {
  return Object.hasOwn(KEYS, kind);
}

/** The one way to build a notification: its kind's payload, and the key derived from it. */
export function notification<K extends NotificationKind>(
  kind: K,
  recipient: string,
  data: NotificationPayloads[K],
): NotificationOf<K> {
  return { kind, recipient, data, idempotencyKey: KEYS[kind](recipient, data) };
}

/** What every request notification starts with: the request, as people type it, and its package. */
export function requestSubject(
  request: { id: number; packageId: number },
  packageName: string,
): RequestSubject {
  return {
    requestId: request.id,
    request: formatRequestId(request.id),
    packageId: request.packageId,
    packageName,
  };
}
