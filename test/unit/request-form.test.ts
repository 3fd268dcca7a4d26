import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { type PolicySettingsInput, policySettingsSchema } from '../../src/domain/policy.js';
import { silentLogger } from '../../src/logger.js';
import { createDummyViewSubmissionArgs, dummyViewOutput } from '../../src/sandbox/listener-args.js';
import type { ViewAnswers } from '../../src/sandbox/view-state.js';
import {
  checkJustification,
  checkRequestAnswers,
  checkRequestTimeline,
} from '../../src/services/requests/request-checks.js';
import { explain, fieldErrors } from '../../src/slack/refusals.js';
import { readRequestForm, requestFormFields, timelineOf } from '../../src/slack/requests/request-form.js';
import { answerBlockId, type RequestModalPolicy, requestModal } from '../../views/requests/request-modal.js';

/**
 * The request modal's submission read back, without Slack or a database: the form the app builds
 * (requestModal), filled in as Slack fills `view.state.values`, parsed as the listener parses it.
 */

const NOW = new Date('2026-01-05T09:00:00Z');
const PKG = { id: 7, name: 'Marketing Campaign', description: 'Access to resources for the campaign' };

function policy(id: number, settings: PolicySettingsInput = {}): RequestModalPolicy {
  return {
    id,
    name: `Policy ${id}`,
    settings: policySettingsSchema.parse({ name: `Policy ${id}`, ...settings }),
  };
}

const QUESTIONS: PolicySettingsInput = {
  questions: [
    { id: 'cost_center', text: 'Cost center', kind: 'text', required: true },
    { id: 'team', text: 'Team', kind: 'choice', choices: ['Brand', 'Growth'], required: false },
  ],
};

/** The form for `policies`, submitted with `answers` by input block_id. */
function submitted(policies: RequestModalPolicy[], answers: ViewAnswers = {}, view?: ModalView) {
  const form = view ?? requestModal({ package: PKG, policies, now: NOW });
  return createDummyViewSubmissionArgs({ view: form, answers }).args.view;
}

describe('readRequestForm', () => {
  it('reads the justification, the answers by question id and the dates', () => {
    const form = readRequestForm(
      submitted([policy(11, QUESTIONS)], {
        justification: 'Campaign launch',
        [answerBlockId('cost_center')]: 'CC-1042',
        [answerBlockId('team')]: 'Growth',
        start_date: '2026-01-10',
        end_date: '2026-01-20',
      }),
    );
    expect(form).toMatchObject({
      policyId: 11,
      justification: 'Campaign launch',
      answers: { cost_center: 'CC-1042', team: 'Growth' },
      startDate: '2026-01-10',
      endDate: '2026-01-20',
    });
    expect(form?.metadata).toMatchObject({ packageId: 7, policyId: 11, policyIds: [11] });
  });

  it('leaves out what was left empty: blank text is no justification, an unanswered question no answer', () => {
    const form = readRequestForm(
      submitted([policy(11, QUESTIONS)], { justification: '   ', [answerBlockId('cost_center')]: '' }),
    );
    expect(form).toMatchObject({
      justification: undefined,
      answers: {},
      startDate: undefined,
      endDate: undefined,
    });
  });

  it('takes the policy picked in the select, among the ones the form was built with', () => {
    const policies = [policy(11), policy(12, { justificationRequired: false })];
    expect(readRequestForm(submitted(policies))?.policyId).toBe(11);
    expect(readRequestForm(submitted(policies, { policy: '12' }))?.policyId).toBe(12);
  });

  it('is null for a form it did not build: a policy the form never offered, metadata not its own', () => {
    const built = requestModal({ package: PKG, policies: [policy(11), policy(12)], now: NOW });
    const held = dummyViewOutput(built);
    const forged = structuredClone(held.state.values);
    forged.policy = {
      policy: {
        type: 'static_select',
        selected_option: { text: { type: 'plain_text', text: 'x' }, value: '99' },
      },
    };
    expect(readRequestForm({ ...held, state: { values: forged } })).toBeNull();
    expect(readRequestForm({ ...held, private_metadata: '{"packageId":7}' })).toBeNull();
    expect(readRequestForm({ ...held, private_metadata: 'not json' })).toBeNull();
  });

  it('is null for a date that is not a calendar day', () => {
    const view = dummyViewOutput(requestModal({ package: PKG, policies: [policy(11)], now: NOW }));
    const values = structuredClone(view.state.values);
    values.end_date = { end_date: { type: 'datepicker', selected_date: '2026-02-31x' } };
    expect(readRequestForm({ ...view, state: { values } })).toBeNull();
  });
});

describe('timelineOf', () => {
  const thirtyDays = policySettingsSchema.parse({ expiry: { kind: 'days', days: 30 } });
  const at = (iso: string) => new Date(iso);

  it('asks for nothing when no date was picked, and a start of today is now', () => {
    expect(timelineOf({ startDate: undefined, endDate: undefined }, thirtyDays, NOW)).toEqual({});
    expect(timelineOf({ startDate: '2026-01-05', endDate: undefined }, thirtyDays, NOW)).toEqual({});
  });

  it('starts a later day at its midnight (UTC) and ends a picked day at its end', () => {
    expect(timelineOf({ startDate: '2026-01-10', endDate: '2026-01-20' }, thirtyDays, NOW)).toEqual({
      startAt: at('2026-01-10T00:00:00.000Z'),
      endAt: at('2026-01-21T00:00:00.000Z'),
    });
  });

  it("on the policy's last allowed day, ends at the policy's maximum, as the form's hint promises", () => {
    expect(timelineOf({ startDate: undefined, endDate: '2026-02-04' }, thirtyDays, NOW)).toEqual({
      endAt: at('2026-02-04T09:00:00.000Z'),
    });
    // From a later start, the maximum moves with it.
    expect(timelineOf({ startDate: '2026-01-10', endDate: '2026-02-09' }, thirtyDays, NOW)).toEqual({
      startAt: at('2026-01-10T00:00:00.000Z'),
      endAt: at('2026-02-09T00:00:00.000Z'),
    });
  });
});

describe('the engine’s refusals on the request form', () => {
  /** What the form shows for the refusal `check` throws: field errors by block_id, or null (a modal instead). */
  function shown(
    settings: PolicySettingsInput,
    check: (s: ReturnType<typeof policySettingsSchema.parse>) => void,
  ) {
    const p = policy(11, settings);
    const view = requestModal({ package: PKG, policies: [p], now: NOW });
    let thrown: unknown = null;
    try {
      check(p.settings);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'the engine refused').not.toBeNull();
    return fieldErrors(explain(thrown, silentLogger), requestFormFields(view));
  }

  it('a missing justification sits on the justification field', () => {
    expect(shown({ justificationRequired: true }, (s) => checkJustification(s, PKG.name, undefined))).toEqual(
      {
        response_action: 'errors',
        errors: { justification: 'Say why you need this access.' },
      },
    );
  });

  it('a missing answer sits on that question’s field, and only there', () => {
    const result = shown(QUESTIONS, (s) => checkRequestAnswers(s, { team: 'Brand' }));
    expect(Object.keys(result?.errors ?? {})).toEqual([answerBlockId('cost_center')]);
  });

  it('an end date past the policy’s longest span sits on the end date, saying which day is the last', () => {
    const result = shown({ expiry: { kind: 'days', days: 30 } }, (s) =>
      checkRequestTimeline(s, PKG.name, NOW, undefined, new Date('2026-03-01T00:00:00Z')),
    );
    expect(result?.errors).toEqual({ end_date: expect.stringContaining('2026-02-04') });
  });

  it('dates on a form without them (the policy takes none) cannot sit on a field: null, shown as a modal', () => {
    const result = shown({ customTimeline: false }, (s) =>
      checkRequestTimeline(s, PKG.name, NOW, undefined, new Date('2026-01-20T00:00:00Z')),
    );
    expect(result).toBeNull();
  });
});
