import { describe, expect, it } from 'vitest';
import { isGatehouseError } from '../../src/domain/errors.js';
import {
  ASSIGNMENT_STATES,
  assertRequestTransition,
  canTransitionAssignment,
  canTransitionRequest,
  formatRequestId,
  parseRequestId,
  REQUEST_STATES,
  requestOutcome,
} from '../../src/domain/states.js';

describe('request state table', () => {
  it('walks the happy paths of ARCHITECTURE.md', () => {
    const paths = [
      ['submitted', 'pending_approval', 'pending_approval', 'approved', 'delivering', 'delivered'],
      ['submitted', 'approved', 'scheduled', 'delivering', 'partially_delivered', 'delivered'],
      ['submitted', 'approved', 'delivering', 'delivery_failed', 'delivering', 'delivered'],
    ] as const;
    for (const path of paths) {
      for (let i = 1; i < path.length; i++) expect(canTransitionRequest(path[i - 1]!, path[i]!)).toBe(true);
    }
  });

  it('ends in denied, canceled and timed out only from open states', () => {
    expect(canTransitionRequest('pending_approval', 'denied')).toBe(true);
    expect(canTransitionRequest('pending_approval', 'timed_out')).toBe(true);
    expect(canTransitionRequest('scheduled', 'canceled')).toBe(true);
    expect(canTransitionRequest('delivering', 'canceled')).toBe(false);
    expect(canTransitionRequest('approved', 'timed_out')).toBe(false);
  });

  it('lets nothing leave a final state', () => {
    for (const final of ['delivered', 'denied', 'canceled', 'timed_out'] as const) {
      for (const to of REQUEST_STATES) expect(canTransitionRequest(final, to)).toBe(false);
    }
    for (const final of ['expired', 'removed'] as const) {
      for (const to of ASSIGNMENT_STATES) expect(canTransitionAssignment(final, to)).toBe(false);
    }
  });

  it('refuses an illegal transition with a typed error a person can read', () => {
    try {
      assertRequestTransition('denied', 'approved');
      expect.unreachable();
    } catch (error) {
      expect(isGatehouseError(error, 'state.illegal_transition')).toBe(true);
      expect((error as Error).message).toBe("This request is denied and can't become approved.");
    }
  });

  it('shows history with the assignment outcome once there is one', () => {
    expect(requestOutcome('delivered', 'delivered')).toBe('Delivered');
    expect(requestOutcome('delivered', 'expired')).toBe('Expired');
    expect(requestOutcome('delivered', 'removed')).toBe('Removed');
    expect(requestOutcome('pending_approval', null)).toBe('Pending approval');
    expect(requestOutcome('denied', null)).toBe('Denied');
  });

  it('formats and parses typeable request ids', () => {
    expect(formatRequestId(1042)).toBe('R-1042');
    for (const text of ['R-1042', 'r-1042', 'r1042', '1042', ' R-1042 '])
      expect(parseRequestId(text)).toBe(1042);
    for (const text of ['', 'R-', 'X-1042', 'R-10x', '<!channel>']) expect(parseRequestId(text)).toBeNull();
  });
});
