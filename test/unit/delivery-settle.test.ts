import { describe, expect, it } from 'vitest';
import { type GrantCounts, settleDelivery } from '../../src/domain/delivery.js';
import type { AssignmentState, RequestState } from '../../src/domain/states.js';

const counts = (c: Partial<GrantCounts>): GrantCounts => ({
  total: 0,
  done: 0,
  pending: 0,
  failed: 0,
  abandoned: 0,
  ...c,
});

type Row = [
  rule: string,
  grants: Partial<GrantCounts>,
  assignment: AssignmentState,
  request: RequestState | null,
];

/**
 * One row per rule of settleDelivery, each with grants that only that rule covers: what a
 * delivering assignment and its request become.
 */
const RULES: Row[] = [
  ['every grant done', { total: 2, done: 2 }, 'delivered', 'delivered'],
  ['nothing to grant', {}, 'delivered', 'delivered'],
  ['some done, one given up', { total: 2, done: 1, abandoned: 1 }, 'delivery_failed', 'partially_delivered'],
  ['some done, one failed (retried)', { total: 2, done: 1, failed: 1 }, 'delivering', 'partially_delivered'],
  ['some done, others on their way', { total: 2, done: 1, pending: 1 }, 'delivering', null],
  ['none done, one failed', { total: 1, failed: 1 }, 'delivery_failed', 'delivery_failed'],
  ['none done, one given up', { total: 2, pending: 1, abandoned: 1 }, 'delivery_failed', 'delivery_failed'],
  ['none done, all only pending', { total: 1, pending: 1 }, 'delivering', null],
];

describe('settleDelivery', () => {
  it.each(RULES)('%s', (_rule, grants, assignment, request) => {
    expect(settleDelivery('delivering', counts(grants))).toEqual({ assignment, request });
  });

  it('a delivered assignment gaining a new pending grant stays delivered', () => {
    expect(settleDelivery('delivered', counts({ total: 3, done: 2, pending: 1 }))).toEqual({
      assignment: 'delivered',
      request: null,
    });
  });

  it('covers each combination of grants once', () => {
    const keys = RULES.map(([, grants]) => JSON.stringify(counts(grants)));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
