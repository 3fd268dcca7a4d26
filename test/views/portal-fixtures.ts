import type { RequestablePackage } from '../../src/services/catalog/catalog-queries.js';
import type { MyAssignment, RequestSummary } from '../../src/services/requests/request-queries.js';
import type { AwaitingItem, AwaitingReview } from '../../src/services/reviews/review-queries.js';
import type { HomeInput, HomeManagedPackage } from '../../views/portal/home.js';

/** Read-model rows for the portal's view tests, with overrides; long names by default to test limits. */

export const NOW = new Date('2026-03-01T09:00:00Z');
const DAY = 86_400_000;
const LONG = 'x'.repeat(400);

export function assignment(i: number, overrides: Partial<MyAssignment> = {}): MyAssignment {
  return {
    assignmentId: 1000 + i,
    packageId: 2000 + i,
    packageName: `Package ${i}`,
    state: 'delivered',
    startsAt: new Date(NOW.getTime() - 10 * DAY),
    endsAt: new Date(NOW.getTime() + (i + 1) * DAY),
    extensionCount: 0,
    canExtend: i % 2 === 0,
    extendRefusal: i % 2 === 0 ? null : 'too_early',
    ...overrides,
  };
}

export function request(i: number, overrides: Partial<RequestSummary> = {}): RequestSummary {
  return {
    requestId: 5000 + i,
    request: `R-${5000 + i}`,
    type: 'user_add',
    packageId: 2000 + i,
    packageName: `Package ${i}`,
    policyName: 'Initial policy',
    userId: 'U0REQ',
    requestedBy: 'U0REQ',
    state: 'pending_approval',
    outcome: 'Pending approval',
    stage: 1,
    justification: null,
    outcomeNote: null,
    startAt: null,
    endAt: null,
    createdAt: new Date(NOW.getTime() - i * DAY),
    closedAt: null,
    ...overrides,
  };
}

export function requestable(i: number, name = `Requestable ${i}`): RequestablePackage {
  return {
    package: { id: 3000 + i, name, description: LONG, catalogId: 1, catalogName: 'General' },
    policies: [],
  };
}

export function reviewItem(i: number, overrides: Partial<AwaitingItem> = {}): AwaitingItem {
  return {
    assignmentId: 7000 + i,
    userId: `U0PERSON${i}`,
    userName: `Person ${i}`,
    decision: null,
    reason: null,
    decidedBy: null,
    ...overrides,
  };
}

export function review(
  id: number,
  items: AwaitingItem[],
  overrides: Partial<AwaitingReview> = {},
): AwaitingReview {
  return {
    reviewId: id,
    packageId: 2000 + id,
    packageName: `Reviewed ${id}`,
    reviewerMode: 'specific',
    defaultDecision: 'keep',
    deadline: new Date(NOW.getTime() + 14 * DAY),
    undecided: items.filter((i) => i.decision === null).length,
    items,
    ...overrides,
  };
}

export function managed(i: number): HomeManagedPackage {
  return {
    id: 4000 + i,
    name: `Managed ${i} ${LONG}`,
    catalogName: 'General',
    hidden: i % 3 === 0,
    activeAssignmentCount: i,
  };
}

export function range<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

export function emptyHome(overrides: Partial<HomeInput> = {}): HomeInput {
  return {
    userId: 'U0REQ',
    requestable: [],
    assignments: [],
    openRequests: [],
    approvals: [],
    reviews: [],
    manage: null,
    ...overrides,
  };
}
