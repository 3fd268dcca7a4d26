import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { myRequests } from '../../src/services/requests/request-queries.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import {
  buttonsOf,
  cardFor,
  clickEphemeral,
  dayFrom,
  elementsOf,
  packageWith,
  requestsOf,
  uniqueName,
} from './requests-support.js';

const { requestor, admin } = WOODGROVE;

describe(`requesting access in Slack (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  it('plays the tutorial: request Marketing Campaign by name, no approval, access delivered', async () => {
    const pkg = await packageWith(s, 'Marketing Campaign', { justificationRequired: true });
    const { replies } = await s.command(requestor, 'request Marketing Campaign');
    expect(replies).toEqual([]);
    const modal = s.fake.openModal(requestor);
    expect(modal?.callback_id).toBe(CALLBACK.requestAccess);
    expect(modal?.title.text).toBe('Request access');
    expect(JSON.stringify(modal?.blocks)).toContain('Access for Marketing Campaign');

    const { ack } = await s.submit({ userId: requestor, answers: { justification: 'New campaign' } });
    expect(ack).toBeNull();
    expect(s.fake.openModal(requestor)).toBeUndefined();

    const [request] = await requestsOf(s, requestor, pkg.id);
    expect(request).toMatchObject({ state: 'delivered', justification: 'New campaign' });
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).toContain(requestor);
    const card = cardFor(s, requestor, `R-${request!.id}`);
    expect(JSON.stringify(card.blocks)).toContain('Marketing Campaign');
    expect(JSON.stringify(card.blocks)).toContain('Access delivered');
    expect(buttonsOf(card.blocks)).toEqual([]);
    expect(s.fake.messagesTo(requestor).some((m) => m.text.includes('You now have access to'))).toBe(true);
  });

  it('"marketing" finds "Marketing Campaign …" by a fuzzy name when it is the only match', async () => {
    const name = uniqueName('Zeta Marketing Fuzzy');
    await packageWith(s, name);
    await s.command(requestor, 'request zeta marketing');
    const modal = s.fake.openModal(requestor);
    expect(modal?.callback_id).toBe(CALLBACK.requestAccess);
    expect(JSON.stringify(modal?.blocks)).toContain(name);
    s.fake.closeModal(requestor);
  });

  it('two matches → "Did you mean" with a Request button each, which opens the modal', async () => {
    const a = await packageWith(s, uniqueName('Twin Reports'));
    const b = await packageWith(s, uniqueName('Twin Reports'));
    const { replies } = await s.command(requestor, 'request twin');
    expect(s.fake.openModal(requestor)).toBeUndefined();
    expect(replies[0]!.text).toContain('Did you mean');
    const values = buttonsOf(replies[0]!.blocks).map((button) => [button.action_id, button.value]);
    expect(values).toEqual([
      [ACTION.requestPackage, String(a.id)],
      [ACTION.requestPackage, String(b.id)],
    ]);
    await clickEphemeral(s, {
      userId: requestor,
      reply: replies[0]!,
      actionId: ACTION.requestPackage,
      value: String(b.id),
    });
    expect(JSON.stringify(s.fake.openModal(requestor)?.private_metadata)).toContain(`"packageId\\":${b.id}`);
    s.fake.closeModal(requestor);
  });

  it('no name → a pick list of what I may request; picking one opens its modal', async () => {
    const pkg = await packageWith(s, uniqueName('Picklist Package'));
    const { replies } = await s.command(requestor, 'request');
    const select = elementsOf(replies[0]!.blocks).find((e) => e.element.type === 'static_select');
    expect(select?.element.action_id).toBe(ACTION.requestPackage);
    const options = select!.element.options as { value: string }[];
    expect(options.length).toBeLessThanOrEqual(100);
    expect(options.map((o) => o.value)).toContain(String(pkg.id));
    await clickEphemeral(s, {
      userId: requestor,
      reply: replies[0]!,
      actionId: ACTION.requestPackage,
      pick: String(pkg.id),
    });
    expect(s.fake.openModal(requestor)?.callback_id).toBe(CALLBACK.requestAccess);
    s.fake.closeModal(requestor);
  });

  it('the Request button of /access list opens the same modal', async () => {
    const pkg = await packageWith(s, uniqueName('Listed Package'));
    const { replies } = await s.command(requestor, 'list');
    await clickEphemeral(s, {
      userId: requestor,
      reply: replies[0]!,
      actionId: ACTION.requestPackage,
      value: String(pkg.id),
    });
    const modal = s.fake.openModal(requestor);
    expect(modal?.callback_id).toBe(CALLBACK.requestAccess);
    expect(JSON.stringify(modal?.blocks)).toContain(pkg.name);
    s.fake.closeModal(requestor);
  });

  it('nothing matches, or the match is not for me: a clear sentence, no modal', async () => {
    const nothing = await s.command(requestor, 'request qwertyuiop');
    expect(nothing.replies[0]!.text).toContain('no access package you can request called');
    const secret = await packageWith(s, uniqueName('Admins Only'), {
      requestorScope: 'specific',
      requestorUserIds: [admin],
    });
    const notMine = await s.command(requestor, `request ${secret.name}`);
    expect(notMine.replies[0]!.text).toContain(`You can't request ${secret.name}`);
    expect(s.fake.openModal(requestor)).toBeUndefined();
  });

  it('already asked: the command says which request is open instead of a form', async () => {
    const pkg = await packageWith(s, uniqueName('Asked Twice'), {
      approvalStages: [{ approverUserIds: [WOODGROVE.approver] }],
    });
    await s.command(requestor, `request ${pkg.name}`);
    await s.submit({ userId: requestor, answers: { justification: 'first' } });
    const [request] = await requestsOf(s, requestor, pkg.id);
    const again = await s.command(requestor, `request ${pkg.name}`);
    expect(again.replies[0]!.text).toContain(`R-${request!.id} is pending approval`);
    expect(s.fake.openModal(requestor)).toBeUndefined();
  });

  describe('field errors keep the modal open and store nothing', () => {
    async function openFor(name: string) {
      await s.command(requestor, `request ${name}`);
      const modal = s.fake.openModal(requestor);
      expect(modal?.callback_id).toBe(CALLBACK.requestAccess);
      return modal!;
    }

    it('a missing required justification', async () => {
      const pkg = await packageWith(s, uniqueName('Needs Why'));
      const modal = await openFor(pkg.name);
      const { ack } = await s.submit({ userId: requestor, answers: { justification: '   ' } });
      expect(ack).toMatchObject({ response_action: 'errors', errors: { justification: expect.any(String) } });
      expect(s.fake.openModal(requestor)?.id).toBe(modal.id);
      expect(await requestsOf(s, requestor, pkg.id)).toEqual([]);
      s.fake.closeModal(requestor);
    });

    it('a 4,000-character justification', async () => {
      const pkg = await packageWith(s, uniqueName('Long Why'));
      await openFor(pkg.name);
      const { ack } = await s.submit({ userId: requestor, answers: { justification: 'x'.repeat(4000) } });
      expect(ack).toMatchObject({
        response_action: 'errors',
        errors: { justification: expect.stringContaining('2000') },
      });
      expect(await requestsOf(s, requestor, pkg.id)).toEqual([]);
      s.fake.closeModal(requestor);
    });

    it("an answer failing its question's format", async () => {
      const pkg = await packageWith(s, uniqueName('Cost Centers'), {
        questions: [{ id: 'cost_center', text: 'Cost center', kind: 'text', regex: '[A-Z]{2}\\d{4}' }],
      });
      await openFor(pkg.name);
      const { ack } = await s.submit({
        userId: requestor,
        answers: { justification: 'why', answer_cost_center: 'twelve' },
      });
      expect(ack).toEqual({
        response_action: 'errors',
        errors: { answer_cost_center: "This answer isn't in the expected format." },
      });
      expect(await requestsOf(s, requestor, pkg.id)).toEqual([]);

      const fixed = await s.submit({
        userId: requestor,
        answers: { justification: 'why', answer_cost_center: 'AB1234' },
      });
      expect(fixed.ack).toBeNull();
      const [request] = await requestsOf(s, requestor, pkg.id);
      expect(request?.answers).toEqual({ cost_center: 'AB1234' });
    });

    it('an end date past the maximum, and a date in the past', async () => {
      const pkg = await packageWith(s, uniqueName('Thirty Days'), { expiry: { kind: 'days', days: 30 } });
      await openFor(pkg.name);
      const refused: [field: 'start_date' | 'end_date', days: number, says: string][] = [
        ['end_date', 31, '30 days at most'],
        ['end_date', -2, 'past'],
        ['start_date', -3, 'past'],
      ];
      for (const [field, days, says] of refused) {
        const { ack } = await s.submit({
          userId: requestor,
          answers: { justification: 'why', [field]: dayFrom(s, days) },
        });
        expect(ack, `${field} ${days} days away`).toMatchObject({
          response_action: 'errors',
          errors: { [field]: expect.stringContaining(says) },
        });
      }
      expect(s.fake.openModal(requestor)?.callback_id).toBe(CALLBACK.requestAccess);
      expect(await requestsOf(s, requestor, pkg.id)).toEqual([]);

      // The last day the hint offers is accepted: the end is the policy's maximum.
      const last = await s.submit({
        userId: requestor,
        answers: { justification: 'why', end_date: dayFrom(s, 30) },
      });
      expect(last.ack).toBeNull();
      const [request] = await requestsOf(s, requestor, pkg.id);
      expect(request!.endAt!.toISOString().slice(0, 10)).toBe(dayFrom(s, 30));
    });
  });

  it('two policies: the select switches the form to the chosen policy, and the request goes under it', async () => {
    const pkg = await packageWith(s, uniqueName('Two Policies'), {
      name: 'Employees',
      justificationRequired: false,
      questions: [{ id: 'team', text: 'Your team', kind: 'text' }],
    });
    const { createPolicy } = await import('../../src/services/catalog/policies.js');
    const second = await createPolicy(
      s.gatehouse.deps,
      { userId: admin },
      {
        packageId: pkg.id,
        name: 'Contractors',
        priority: 2,
        requestorScope: 'all_members',
        justificationRequired: true,
        questions: [{ id: 'sponsor', text: 'Your sponsor', kind: 'text' }],
      },
    );
    await s.command(requestor, `request ${pkg.name}`);
    const modal = s.fake.openModal(requestor)!;
    const blockIds = () => s.fake.openModal(requestor)!.blocks.map((b) => b.block_id);
    expect(blockIds()).toContain('policy');
    expect(blockIds()).toContain('answer_team');
    await s.click({
      userId: requestor,
      viewId: modal.id,
      blockId: 'policy',
      actionId: ACTION.choosePolicy,
      value: String(second.policy.id),
    });
    expect(blockIds()).toContain('answer_sponsor');
    expect(blockIds()).not.toContain('answer_team');
    const { ack } = await s.submit({
      userId: requestor,
      answers: { policy: String(second.policy.id), justification: 'contract work', answer_sponsor: 'Admin1' },
    });
    expect(ack).toBeNull();
    const [request] = await requestsOf(s, requestor, pkg.id);
    expect(request).toMatchObject({ policyId: second.policy.id, answers: { sponsor: 'Admin1' } });
    const mine = await myRequests(s.gatehouse.deps, requestor);
    expect(mine.some((r) => r.requestId === request!.id)).toBe(true);
  });

  it('a refusal no field can fix replaces the form with the reason', async () => {
    const pkg = await packageWith(s, uniqueName('Closing Soon'));
    await s.command(requestor, `request ${pkg.name}`);
    const { editPolicy } = await import('../../src/services/catalog/policies.js');
    await editPolicy(s.gatehouse.deps, { userId: admin }, { policyId: pkg.policyId, requestsEnabled: false });
    const { ack } = await s.submit({ userId: requestor, answers: { justification: 'why' } });
    expect(ack).toMatchObject({ response_action: 'update', view: { title: { text: "Couldn't request" } } });
    expect(JSON.stringify((ack as { view: unknown }).view)).toContain("isn't taking requests");
    expect(await requestsOf(s, requestor, pkg.id)).toEqual([]);
  });
});
