import { describe, expect, it } from 'vitest';
import {
  escalates,
  fallbackApprovers,
  primaryApprovers,
  resolveStageApprovers,
  stageUsergroupIds,
} from '../../src/domain/approval.js';
import { type ApprovalStage, approvalStageSchema } from '../../src/domain/policy.js';

const stage = (s: Partial<ApprovalStage>): ApprovalStage => approvalStageSchema.parse(s);
const members = new Map<string, string[]>([
  ['SLEADS', ['ULEAD1', 'ULEAD2', 'UREQ']],
  ['SBACKUP', ['UBACK1', 'UREQ']],
]);

describe('resolveStageApprovers', () => {
  it('takes named approvers, then group members, each once with the reason they approve', () => {
    const result = resolveStageApprovers(
      stage({ approverUserIds: ['UANNA', 'ULEAD1'], approverUsergroupIds: ['SLEADS'] }),
      members,
      'UOTHER',
    );
    expect(result.approvers).toEqual([
      { userId: 'UANNA', reason: 'named approver', isFallback: false },
      { userId: 'ULEAD1', reason: 'named approver', isFallback: false },
      { userId: 'ULEAD2', reason: 'member of SLEADS', isFallback: false },
      { userId: 'UREQ', reason: 'member of SLEADS', isFallback: false },
    ]);
    expect(result).toMatchObject({ requestorSkipped: false, usedFallback: false });
  });

  it('skips the requestor but keeps the other approvers', () => {
    const result = resolveStageApprovers(stage({ approverUsergroupIds: ['SLEADS'] }), members, 'UREQ');
    expect(result.approvers.map((a) => a.userId)).toEqual(['ULEAD1', 'ULEAD2']);
    expect(result).toMatchObject({ requestorSkipped: true, usedFallback: false });
  });

  it('uses the fallback approvers (without the requestor) when the requestor was the only approver', () => {
    const result = resolveStageApprovers(
      stage({ approverUserIds: ['UREQ'], fallbackUserIds: ['UFALL'], fallbackUsergroupIds: ['SBACKUP'] }),
      members,
      'UREQ',
    );
    expect(result.approvers).toEqual([
      { userId: 'UFALL', reason: 'fallback approver', isFallback: true },
      { userId: 'UBACK1', reason: 'fallback approver', isFallback: true },
    ]);
    expect(result).toMatchObject({ requestorSkipped: true, usedFallback: true });
  });

  it('leaves nobody when the requestor is the only approver and there is no fallback', () => {
    const result = resolveStageApprovers(stage({ approverUserIds: ['UREQ'] }), members, 'UREQ');
    expect(result.approvers).toEqual([]);
    expect(result.requestorSkipped).toBe(true);
  });

  it('treats a group unknown to the cache as empty', () => {
    expect(primaryApprovers(stage({ approverUsergroupIds: ['SNOPE'] }), members)).toEqual([]);
  });
});

describe('fallbackApprovers and escalation', () => {
  it('excludes the requestor and people already deciding the stage', () => {
    const s = stage({
      approverUserIds: ['UANNA'],
      fallbackUserIds: ['UANNA', 'UFALL'],
      fallbackUsergroupIds: ['SBACKUP'],
    });
    expect(fallbackApprovers(s, members, 'UREQ', ['UANNA']).map((a) => a.userId)).toEqual([
      'UFALL',
      'UBACK1',
    ]);
  });

  it('escalates only with a delay, fallbacks, and fallbacks not already deciding', () => {
    const withDelay = stage({ approverUserIds: ['UANNA'], fallbackUserIds: ['UFALL'], escalateAfterDays: 3 });
    expect(escalates(withDelay, resolveStageApprovers(withDelay, members, 'UREQ'))).toBe(true);
    expect(escalates(withDelay, resolveStageApprovers(withDelay, members, 'UANNA'))).toBe(false);
    const noDelay = stage({ approverUserIds: ['UANNA'], fallbackUserIds: ['UFALL'] });
    expect(escalates(noDelay, resolveStageApprovers(noDelay, members, 'UREQ'))).toBe(false);
    const noFallback = stage({ approverUserIds: ['UANNA'], escalateAfterDays: 3 });
    expect(escalates(noFallback, resolveStageApprovers(noFallback, members, 'UREQ'))).toBe(false);
  });

  it('lists every group the stages name once', () => {
    expect(
      stageUsergroupIds([
        stage({ approverUsergroupIds: ['SLEADS'], fallbackUsergroupIds: ['SBACKUP'] }),
        stage({ approverUsergroupIds: ['SBACKUP'] }),
      ]),
    ).toEqual(['SLEADS', 'SBACKUP']);
  });
});
