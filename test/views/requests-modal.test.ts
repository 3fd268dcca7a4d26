import type { InputBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { GatehouseError, named, person, sentence } from '../../src/domain/errors.js';
import { type PolicySettingsInput, policySettingsSchema } from '../../src/domain/policy.js';
import { silentLogger } from '../../src/logger.js';
import { checkView, LIMITS } from '../../src/sandbox/block-kit-checks.js';
import { errorModal, explain } from '../../src/slack/refusals.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import {
  answerBlockId,
  endDateHint,
  type RequestModalPolicy,
  requestModal,
} from '../../views/requests/request-modal.js';
import { readMetadata, requestModalMetadataSchema } from '../../views/requests/values.js';

const NOW = new Date('2026-01-05T09:00:00Z');
const pkg = { id: 7, name: 'Marketing Campaign', description: 'Access to resources for the campaign' };

function policy(id: number, settings: PolicySettingsInput, name = `Policy ${id}`): RequestModalPolicy {
  return { id, name, settings: policySettingsSchema.parse({ name, ...settings }) };
}

function inputs(view: ModalView): InputBlock[] {
  return view.blocks.filter((b): b is InputBlock => b.type === 'input');
}

function input(view: ModalView, blockId: string): InputBlock {
  const found = inputs(view).find((b) => b.block_id === blockId);
  if (!found) throw new Error(`no input ${blockId}`);
  return found;
}

function expectWithinLimits(view: ModalView) {
  expect(checkView(view).filter((i) => i.level === 'error')).toEqual([]);
  expect([...view.title.text].length).toBeLessThanOrEqual(LIMITS.modalTitle);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(LIMITS.privateMetadata);
  for (const block of inputs(view)) expect(block.label.text.trim().length).toBeGreaterThan(0);
}

describe('the request modal', () => {
  it('is one step titled "Request access" with a Request button, carrying the package and policies', () => {
    const view = requestModal({ package: pkg, policies: [policy(11, {})], now: NOW });
    expect(view.callback_id).toBe(CALLBACK.requestAccess);
    expect(view.title.text).toBe('Request access');
    expect(view.submit?.text).toBe('Request');
    expect(JSON.stringify(view.blocks)).toContain('Marketing Campaign');
    expect(JSON.stringify(view.blocks)).toContain('Access to resources for the campaign');
    expect(readMetadata(requestModalMetadataSchema, view.private_metadata)).toEqual({
      packageId: 7,
      policyId: 11,
      policyIds: [11],
      // What the submission needs without reading the package again.
      packageName: 'Marketing Campaign',
      expiries: { '11': { kind: 'days', days: 365 } },
    });
    expect(inputs(view).some((b) => b.block_id === 'policy')).toBe(false);
    expectWithinLimits(view);
  });

  it('requires the justification when the policy does, and makes it optional otherwise', () => {
    const required = requestModal({
      package: pkg,
      policies: [policy(1, { justificationRequired: true })],
      now: NOW,
    });
    const justification = input(required, 'justification');
    expect(justification.optional).toBe(false);
    expect(justification.element).toMatchObject({
      type: 'plain_text_input',
      multiline: true,
      max_length: 2000,
    });

    const optional = requestModal({
      package: pkg,
      policies: [policy(1, { justificationRequired: false })],
      now: NOW,
    });
    expect(input(optional, 'justification').optional).toBe(true);
  });

  it("asks each of the policy's questions: text with its format, choice as a select, optional ones optional", () => {
    const view = requestModal({
      package: pkg,
      policies: [
        policy(1, {
          questions: [
            { id: 'cost_center', text: 'Cost center', kind: 'text', regex: '[A-Z]{2}\\d{4}' },
            { id: 'region', text: 'Region', kind: 'choice', choices: ['EMEA', 'AMER', 'APAC'] },
            { id: 'notes', text: 'Anything else?', kind: 'text', required: false },
          ],
        }),
      ],
      now: NOW,
    });
    const cost = input(view, answerBlockId('cost_center'));
    expect(cost.block_id).toBe('answer_cost_center');
    expect(cost.label.text).toBe('Cost center');
    expect(cost.optional).toBe(false);
    expect(cost.element.type).toBe('plain_text_input');
    expect(cost.hint?.text).toContain('[A-Z]{2}\\d{4}');
    const region = input(view, 'answer_region');
    expect(region.element).toMatchObject({ type: 'static_select' });
    expect((region.element as { options: { value: string }[] }).options.map((o) => o.value)).toEqual([
      'EMEA',
      'AMER',
      'APAC',
    ]);
    expect(input(view, 'answer_notes').optional).toBe(true);
    expectWithinLimits(view);
  });

  it('offers start and end dates only when the policy allows a custom timeline, with the maximum in the hint', () => {
    const custom = requestModal({
      package: pkg,
      policies: [policy(1, { customTimeline: true, expiry: { kind: 'days', days: 30 } })],
      now: NOW,
    });
    expect(input(custom, 'start_date').element.type).toBe('datepicker');
    expect(input(custom, 'start_date').optional).toBe(true);
    const end = input(custom, 'end_date');
    expect(end.element.type).toBe('datepicker');
    expect(end.hint?.text).toContain('At most 30 days');
    expect(end.hint?.text).toContain('2026-02-04');

    const fixed = requestModal({
      package: pkg,
      policies: [policy(1, { customTimeline: false })],
      now: NOW,
    });
    expect(inputs(fixed).map((b) => b.block_id)).not.toContain('start_date');
    expect(inputs(fixed).map((b) => b.block_id)).not.toContain('end_date');
  });

  it('says what a date-bound or endless policy allows', () => {
    expect(endDateHint(policySettingsSchema.parse({ expiry: { kind: 'never' } }), NOW)).toContain(
      "doesn't expire",
    );
    expect(
      endDateHint(
        policySettingsSchema.parse({ expiry: { kind: 'date', date: '2026-06-30T00:00:00Z' } }),
        NOW,
      ),
    ).toContain('2026-06-30');
  });

  it('shows a policy select when several policies apply, defaulting to the first (highest priority)', () => {
    const policies = [
      policy(21, { questions: [{ id: 'team', text: 'Team', kind: 'text' }] }, 'Employees'),
      policy(22, { questions: [{ id: 'sponsor', text: 'Sponsor', kind: 'text' }] }, 'Contractors'),
    ];
    const first = requestModal({ package: pkg, policies, now: NOW });
    const select = input(first, 'policy');
    expect(select.dispatch_action).toBe(true);
    expect(select.element).toMatchObject({
      type: 'static_select',
      action_id: ACTION.choosePolicy,
      initial_option: { value: '21' },
    });
    expect(inputs(first).map((b) => b.block_id)).toContain('answer_team');
    expect(inputs(first).map((b) => b.block_id)).not.toContain('answer_sponsor');

    const second = requestModal({ package: pkg, policies, policyId: 22, now: NOW });
    expect(input(second, 'policy').element).toMatchObject({ initial_option: { value: '22' } });
    expect(inputs(second).map((b) => b.block_id)).toContain('answer_sponsor');
    expect(readMetadata(requestModalMetadataSchema, second.private_metadata)).toMatchObject({
      policyId: 22,
      policyIds: [21, 22],
    });
    expectWithinLimits(second);
  });

  it('stays within Slack limits at the largest policy: ten questions of 100 choices, long names', () => {
    const longName = 'N'.repeat(80);
    const questions = Array.from({ length: 10 }, (_, i) => ({
      id: `q${i}`,
      text: 'Q'.repeat(300),
      kind: 'choice' as const,
      choices: Array.from({ length: 100 }, (_, c) => `${'c'.repeat(70)}${c}`),
    }));
    const policies = Array.from({ length: 20 }, (_, i) =>
      policy(100 + i, { name: longName, questions }, longName),
    );
    const view = requestModal({
      package: { id: 1, name: 'P'.repeat(80), description: 'd'.repeat(2000) },
      policies,
      now: NOW,
    });
    expectWithinLimits(view);
    expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(250_000);
    for (const block of inputs(view)) {
      const options = (block.element as { options?: unknown[] }).options;
      if (options) expect(options.length).toBeLessThanOrEqual(100);
    }
  });

  it('the refusal view shows the engine sentence escaped, with mentions built from user ids only', () => {
    const refusal = new GatehouseError(
      'request.already_open',
      sentence`You already asked for ${named('<!channel> pkg <@U0EVIL>')}; ask ${person('U0ADMIN1')}.`,
    );
    const view = errorModal(explain(refusal, silentLogger), {
      title: "Couldn't request",
      subject: '<!channel> pkg',
    });
    const text = JSON.stringify(view.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('<@U0ADMIN1>');
    expect(text).not.toContain('<@U0EVIL>');
    expect(checkView(view).filter((i) => i.level === 'error')).toEqual([]);
  });
});
