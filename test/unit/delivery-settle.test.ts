import { describe, expect, it } from 'vitest';
import { settleDelivery } from '../../src/domain/delivery.js';

const counts = (
  c: Partial<{ total: number; done: number; pending: number; failed: number; abandoned: number }>,
) => ({
  total: 0,
  done: 0,
  pending: 0,
  failed: 0,
  abandoned: 0,
  ...c,
});

describe('settleDelivery', () => {
  it('delivers when every grant is done (and when there is nothing to grant)', () => {
    expect(settleDelivery('delivering', counts({ total: 2, done: 2 }))).toEqual({
      assignment: 'delivered',
      request: 'delivered',
    });
    expect(settleDelivery('delivering', counts({}))).toEqual({
      assignment: 'delivered',
      request: 'delivered',
    });
  });
  it('is partially delivered when some grants are done and others wait or failed', () => {
    expect(settleDelivery('delivering', counts({ total: 2, done: 1, failed: 1 })).request).toBe(
      'partially_delivered',
    );
    expect(settleDelivery('delivering', counts({ total: 2, done: 1, abandoned: 1 }))).toEqual({
      assignment: 'delivery_failed',
      request: 'partially_delivered',
    });
  });
  it('is not partially delivered while the other grants are only on their way', () => {
    expect(settleDelivery('delivering', counts({ total: 2, done: 1, pending: 1 }))).toEqual({
      assignment: 'delivering',
      request: null,
    });
    expect(settleDelivery('delivered', counts({ total: 3, done: 2, pending: 1 }))).toEqual({
      assignment: 'delivered',
      request: null,
    });
  });
  it('fails delivery when nothing was done and something failed', () => {
    expect(settleDelivery('delivering', counts({ total: 1, failed: 1 }))).toEqual({
      assignment: 'delivery_failed',
      request: 'delivery_failed',
    });
  });
  it('leaves a delivering assignment alone while grants are only pending', () => {
    expect(settleDelivery('delivering', counts({ total: 1, pending: 1 }))).toEqual({
      assignment: 'delivering',
      request: null,
    });
  });
});
