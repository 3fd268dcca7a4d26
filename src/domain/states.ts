import { GatehouseError } from './errors.js';

export const REQUEST_STATES = [
  'submitted',
  'pending_approval',
  'approved',
  'scheduled',
  'delivering',
  'delivered',
  'partially_delivered',
  'delivery_failed',
  'denied',
  'canceled',
  'timed_out',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const ASSIGNMENT_STATES = [
  'delivering',
  'delivered',
  'delivery_failed',
  'expired',
  'removed',
] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

export const REQUEST_TYPES = [
  'user_add',
  'user_extend',
  'user_remove',
  'admin_add',
  'admin_remove',
  'system_remove',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** Why an assignment ended: `expired` ends it as expired, every other reason as removed. */
export const END_REASONS = [
  'expired',
  'removed_by_admin',
  'removed_by_user',
  'user_deactivated',
  'review',
  'package_deleted',
] as const;
export type EndReason = (typeof END_REASONS)[number];

export function endStateFor(reason: EndReason): 'expired' | 'removed' {
  return reason === 'expired' ? 'expired' : 'removed';
}

/** A fulfilment is one grant or revoke of one resource role; pending and failed ones are due. */
export const FULFILMENT_STATES = [
  'pending',
  'delivered',
  'failed',
  'abandoned',
  'skipped',
  'canceled',
] as const;
export type FulfilmentState = (typeof FULFILMENT_STATES)[number];
/** Waiting for a (next) attempt. */
export const DUE_FULFILMENT_STATES: readonly FulfilmentState[] = ['pending', 'failed'];
/** A grant in one of these states stands for access the resource has (or needs no call for). */
export const DONE_FULFILMENT_STATES: readonly FulfilmentState[] = ['delivered', 'skipped'];

export const REVIEW_STATES = ['active', 'completed', 'canceled'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** The only legal request transitions. `pending_approval → pending_approval` is the move to the next stage. */
const REQUEST_TRANSITIONS: Record<RequestState, readonly RequestState[]> = {
  submitted: ['pending_approval', 'approved', 'denied', 'canceled'],
  pending_approval: ['pending_approval', 'approved', 'denied', 'canceled', 'timed_out'],
  approved: ['delivering', 'scheduled', 'canceled'],
  scheduled: ['delivering', 'canceled'],
  delivering: ['delivered', 'partially_delivered', 'delivery_failed'],
  partially_delivered: ['delivered', 'partially_delivered', 'delivery_failed'],
  delivery_failed: ['delivering', 'delivered', 'partially_delivered', 'delivery_failed'],
  delivered: [],
  denied: [],
  canceled: [],
  timed_out: [],
};

const ASSIGNMENT_TRANSITIONS: Record<AssignmentState, readonly AssignmentState[]> = {
  delivering: ['delivered', 'delivery_failed', 'expired', 'removed'],
  delivered: ['delivered', 'delivering', 'delivery_failed', 'expired', 'removed'],
  delivery_failed: ['delivering', 'delivered', 'delivery_failed', 'expired', 'removed'],
  expired: [],
  removed: [],
};

const REVIEW_TRANSITIONS: Record<ReviewState, readonly ReviewState[]> = {
  active: ['completed', 'canceled'],
  completed: [],
  canceled: [],
};

export const OPEN_REQUEST_STATES: readonly RequestState[] = [
  'submitted',
  'pending_approval',
  'approved',
  'scheduled',
];
export const ACTIVE_ASSIGNMENT_STATES: readonly AssignmentState[] = [
  'delivering',
  'delivered',
  'delivery_failed',
];
/** A request whose assignment's grants are on their way: delivery settles it. */
export const DELIVERY_REQUEST_STATES: readonly RequestState[] = [
  'delivering',
  'partially_delivered',
  'delivery_failed',
];

export function canTransitionRequest(from: RequestState, to: RequestState): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

export function canTransitionAssignment(from: AssignmentState, to: AssignmentState): boolean {
  return ASSIGNMENT_TRANSITIONS[from].includes(to);
}

export function assertRequestTransition(from: RequestState, to: RequestState): void {
  if (!canTransitionRequest(from, to)) {
    throw new GatehouseError(
      'state.illegal_transition',
      `This request is ${describeRequestState(from)} and can't become ${describeRequestState(to)}.`,
      { from, to },
    );
  }
}

export function assertAssignmentTransition(from: AssignmentState, to: AssignmentState): void {
  if (!canTransitionAssignment(from, to)) {
    throw new GatehouseError(
      'state.illegal_transition',
      `This assignment is ${from.replace('_', ' ')} and can't become ${to.replace('_', ' ')}.`,
      { from, to },
    );
  }
}

export function assertReviewTransition(from: ReviewState, to: ReviewState): void {
  if (!REVIEW_TRANSITIONS[from].includes(to)) {
    throw new GatehouseError(
      'state.illegal_transition',
      `This access review is ${from} and can't become ${to}.`,
      { from, to },
    );
  }
}

export function isOpenRequest(state: RequestState): boolean {
  return OPEN_REQUEST_STATES.includes(state);
}

export function isActiveAssignment(state: AssignmentState): boolean {
  return ACTIVE_ASSIGNMENT_STATES.includes(state);
}

const REQUEST_STATE_WORDS: Record<RequestState, string> = {
  submitted: 'Submitted',
  pending_approval: 'Pending approval',
  approved: 'Approved',
  scheduled: 'Scheduled',
  delivering: 'Delivering',
  delivered: 'Delivered',
  partially_delivered: 'Partially delivered',
  delivery_failed: 'Delivery failed',
  denied: 'Denied',
  canceled: 'Canceled',
  timed_out: 'Timed out',
};

export function describeRequestState(state: RequestState): string {
  return REQUEST_STATE_WORDS[state].toLowerCase();
}

/**
 * What request history shows: the request's own state until it has a delivered assignment,
 * then that assignment's outcome ("Expired" when it ran out, "Removed" when someone ended it).
 */
export function requestOutcome(requestState: RequestState, assignmentState: AssignmentState | null): string {
  if (requestState === 'delivered' && assignmentState === 'expired') return 'Expired';
  if (requestState === 'delivered' && assignmentState === 'removed') return 'Removed';
  return REQUEST_STATE_WORDS[requestState];
}

/** `R-1042` ↔ 1042. People type either form; both parse. */
export function formatRequestId(id: number): string {
  return `R-${id}`;
}

export function parseRequestId(text: string): number | null {
  const match = /^\s*(?:r-?)?(\d{1,9})\s*$/i.exec(text);
  return match ? Number(match[1]) : null;
}
