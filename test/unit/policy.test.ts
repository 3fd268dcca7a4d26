import { describe, expect, it } from 'vitest';
import { policySettingsSchema, type Requestor, requestEligibility } from '../../src/domain/policy.js';

const member: Requestor = {
  userId: 'U0REQ1',
  kind: 'member',
  isExternal: false,
  deactivated: false,
  usergroupIds: [],
};

describe('policy defaults and eligibility', () => {
  it('defaults as ARCHITECTURE.md says', () => {
    const p = policySettingsSchema.parse({});
    expect(p).toMatchObject({
      name: 'Initial policy',
      justificationRequired: true,
      customTimeline: true,
      requestsEnabled: true,
      approvalStages: [],
      reminderOffsetsHours: [336, 24],
    });
    expect(p.expiry.kind).toBe('days');
  });

  it('lets specific users and members of listed groups request', () => {
    const p = policySettingsSchema.parse({
      requestorScope: 'specific',
      requestorUserIds: ['U0REQ1'],
      requestorUsergroupIds: ['S0MKT'],
    });
    expect(requestEligibility(p, member)).toBe('eligible');
    expect(requestEligibility(p, { ...member, userId: 'U0OTHER' })).toBe('not_in_scope');
    expect(requestEligibility(p, { ...member, userId: 'U0OTHER', usergroupIds: ['S0MKT'] })).toBe('eligible');
  });

  it('every member excludes guests, bots, external and deactivated users', () => {
    const p = policySettingsSchema.parse({ requestorScope: 'all_members' });
    expect(requestEligibility(p, member)).toBe('eligible');
    expect(requestEligibility(p, { ...member, kind: 'guest' })).toBe('not_a_member');
    expect(requestEligibility(p, { ...member, kind: 'bot' })).toBe('not_a_member');
    expect(requestEligibility(p, { ...member, isExternal: true })).toBe('not_a_member');
    expect(requestEligibility(p, { ...member, deactivated: true })).toBe('not_a_member');
  });

  it('lets someone external request only by name, on a policy that allows outsiders', () => {
    const external = { ...member, isExternal: true };
    const named = { requestorScope: 'specific', requestorUserIds: ['U0REQ1'] } as const;
    expect(requestEligibility(policySettingsSchema.parse(named), external)).toBe('not_a_member');
    const open = policySettingsSchema.parse({ ...named, allowExternalRequestors: true });
    expect(requestEligibility(open, external)).toBe('eligible');
    expect(requestEligibility(open, { ...external, userId: 'U0OTHER' })).toBe('not_in_scope');
    // "Every member" never includes them, whatever the flag says.
    const everyone = policySettingsSchema.parse({
      requestorScope: 'all_members',
      allowExternalRequestors: true,
    });
    expect(requestEligibility(everyone, external)).toBe('not_a_member');
  });

  it('admin-only and disabled policies take no requests', () => {
    expect(requestEligibility(policySettingsSchema.parse({ requestorScope: 'none' }), member)).toBe(
      'admin_only',
    );
    const disabled = policySettingsSchema.parse({ requestorScope: 'all_members', requestsEnabled: false });
    expect(requestEligibility(disabled, member)).toBe('requests_disabled');
  });

  it('refuses a bad question, a bad pattern and a fourth stage', () => {
    expect(
      policySettingsSchema.safeParse({
        questions: [{ id: 'q1', text: 'Pick', kind: 'choice', choices: ['a'] }],
      }).success,
    ).toBe(false);
    expect(
      policySettingsSchema.safeParse({ questions: [{ id: 'q1', text: 'Code', kind: 'text', regex: '([' }] })
        .success,
    ).toBe(false);
    const stage = { approverUserIds: ['U0APP1'] };
    expect(policySettingsSchema.safeParse({ approvalStages: [stage, stage, stage, stage] }).success).toBe(
      false,
    );
  });
});
