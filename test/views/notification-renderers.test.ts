import { describe, expect, it } from 'vitest';
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationPayloads,
  notification,
  requestSubject,
} from '../../src/domain/notifications.js';
import { NOTIFICATION_RENDERERS, renderNotification } from '../../views/notifications.js';

const AT = '2026-03-01T09:00:00.000Z';
const subject = requestSubject({ id: 1042, packageId: 7 }, 'Marketing');
const card = {
  ...subject,
  type: 'user_add' as const,
  requestor: 'U0REQUESTOR1',
  justification: 'campaign',
  answers: [],
  startAt: null,
  endAt: null,
  stages: 2,
  stage: 1,
  reason: 'named approver',
  isFallback: false,
};
const decided = { stage: 1, decidedBy: 'U0APPROVER1', reason: 'ok' };
const copy = { forApprover: true as const, requestor: 'U0REQUESTOR1', stage: 1 };
const held = { assignmentId: 42, packageId: 7, packageName: 'Marketing' };

/** One payload per kind; a kind added to the union without one here does not compile. */
const SAMPLES: { [K in NotificationKind]: NotificationPayloads[K][] } = {
  request_submitted: [
    { ...subject, type: 'user_add', needsApproval: true, stages: 1, startAt: null, endAt: null },
  ],
  approval_needed: [{ ...card, dueAt: AT }],
  approval_escalated: [{ ...card, dueAt: AT, firstApprovers: ['U0APPROVER1'] }],
  request_approved: [
    { ...subject, ...decided },
    { ...subject, ...decided, ...copy },
  ],
  request_stage_approved: [
    { ...subject, ...decided, nextStage: 2, stages: 2 },
    { ...subject, ...decided, nextStage: 2, ...copy },
  ],
  request_denied: [
    { ...subject, ...decided },
    { ...subject, ...decided, ...copy },
  ],
  request_canceled: [
    { ...subject, note: 'canceled by the requestor' },
    { ...subject, note: 'canceled by the requestor', ...copy },
  ],
  request_timed_out: [
    { ...subject, requestor: 'U0REQUESTOR1', stage: 1 },
    { ...subject, requestor: 'U0REQUESTOR1', stage: 1, forApprover: true },
  ],
  request_scheduled: [{ ...subject, startAt: AT }],
  access_delivered: [{ ...held, requestId: 1042, endsAt: AT }],
  delivery_failed: [
    { ...held, requestId: 1042, endsAt: AT, partial: true, error: 'ratelimited' },
    {
      ...held,
      forAdmin: true,
      fulfilmentId: 9,
      userId: 'U0REQUESTOR1',
      resource: 'marketing-team',
      role: 'member',
      error: 'channel is private',
    },
  ],
  access_expiring: [{ ...held, endsAt: AT, offsetHours: 24, canExtend: true }],
  access_extended: [{ ...held, requestId: null, endsAt: AT, previousEndsAt: AT, extensionCount: 1 }],
  access_ended: [{ ...held, reason: 'expired', note: null, endedAt: AT }],
  review_requested: [
    {
      reviewId: 3,
      packageId: 7,
      packageName: 'Marketing',
      reviewerMode: 'specific',
      items: 2,
      deadline: AT,
    },
  ],
  review_completed: [
    { reviewId: 3, packageId: 7, packageName: 'Marketing', kept: 1, removed: 1, defaulted: 0, skipped: 0 },
  ],
  reconciliation_report: [
    {
      resourceId: 5,
      resource: 'marketing-team',
      kind: 'slack_usergroup',
      outsiders: ['U0OUTSIDER1'],
      removed: [],
      day: '2026-03-01',
    },
  ],
};

const REQUEST_KINDS: readonly NotificationKind[] = [
  'request_submitted',
  'approval_needed',
  'approval_escalated',
  'request_approved',
  'request_stage_approved',
  'request_denied',
  'request_canceled',
  'request_timed_out',
  'request_scheduled',
];

describe('notification renderers', () => {
  it('the kinds are the union, each with a renderer and a sample', () => {
    expect(Object.keys(NOTIFICATION_RENDERERS).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    expect(Object.keys(SAMPLES).sort()).toEqual([...NOTIFICATION_KINDS].sort());
  });

  it.each(NOTIFICATION_KINDS)('%s renders every copy into a DM', (kind) => {
    expect(typeof NOTIFICATION_RENDERERS[kind]).toBe('function');
    for (const data of SAMPLES[kind]) {
      const built = notification(kind, 'U0RECIPIENT1', data as never);
      expect(built.idempotencyKey.startsWith(kind === 'delivery_failed' ? 'delivery_' : kind)).toBe(true);
      const dm = renderNotification({ kind, recipient: built.recipient, data: built.data as never });
      expect(dm.text.length).toBeGreaterThan(10);
      expect(dm.blocks.length).toBeGreaterThan(0);
      if (REQUEST_KINDS.includes(kind)) expect(dm.text).toContain('(R-1042)');
    }
  });

  it('a kind nobody can render is refused, not sent blank', () => {
    expect(() =>
      renderNotification({ kind: 'no_such_kind' as NotificationKind, recipient: 'U1', data: {} }),
    ).toThrow(/no renderer/);
  });

  it('a request_canceled row queued before it carried `request` still names the request', () => {
    const dm = renderNotification({
      kind: 'request_canceled',
      recipient: 'U0REQUESTOR1',
      data: { requestId: 1042, packageId: 7, packageName: 'Marketing', note: 'x' },
    });
    expect(dm.text).toContain('(R-1042)');
  });

  it('one message per event and recipient: the copies of a request have their own keys', () => {
    const requestor = notification('request_canceled', 'U0REQUESTOR1', { ...subject, note: 'x' });
    const approver = notification('request_canceled', 'U0APPROVER1', { ...subject, note: 'x', ...copy });
    expect(requestor.idempotencyKey).toBe('request_canceled:1042');
    expect(approver.idempotencyKey).toBe('request_canceled:1042:1:U0APPROVER1');
  });
});
