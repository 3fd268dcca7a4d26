import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import {
  answersAt,
  buttonsOf,
  cardFor,
  clickEphemeral,
  clickOnCard,
  packageWith,
  requestsOf,
  uniqueName,
} from './requests-support.js';

const { requestor, approver, admin } = WOODGROVE;
const DAY = 86_400;

describe(`approving and denying in Slack (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    // These tests DM the same two people many times a second; Slack's ~1 message/s per DM pacing
    // (which the outbox honours through Retry-After) is not what they are about.
    s = await startSandbox({ fake: { rateLimits: false } });
  });
  afterAll(() => s.close());

  /** The requestor asks for a new package through the modal; returns the package and request id. */
  async function submitted(
    policy: Parameters<typeof packageWith>[2],
    justification = 'Need it for the campaign',
  ) {
    const pkg = await packageWith(s, uniqueName('Approved Package'), policy);
    await s.command(requestor, `request ${pkg.name}`);
    const { ack } = await s.submit({ userId: requestor, answers: { justification } });
    expect(ack).toBeNull();
    const [request] = await requestsOf(s, requestor, pkg.id);
    return { pkg, requestId: request!.id, ref: `R-${request!.id}` };
  }

  it('approver gets the card with buttons; approving updates every copy, DMs the requestor, delivers', async () => {
    const { pkg, ref } = await submitted({ approvalStages: [{ approverUserIds: [approver] }] });
    const approverCard = cardFor(s, approver, ref);
    const approverText = JSON.stringify(approverCard.blocks);
    expect(approverText).toContain(pkg.name);
    expect(approverText).toContain(`<@${requestor}>`);
    expect(approverText).toContain('Need it for the campaign');
    expect(approverText).toContain('you approve as named approver');
    expect(approverText).toContain('current access');
    expect(buttonsOf(approverCard.blocks).map((b) => b.action_id)).toEqual([
      ACTION.approveRequest,
      ACTION.denyRequest,
    ]);
    const requestorCard = cardFor(s, requestor, ref);
    expect(buttonsOf(requestorCard.blocks).map((b) => b.action_id)).toEqual([ACTION.cancelRequest]);
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).not.toContain(requestor);

    const updatesBefore = s.fake.callsTo('chat.update').length;
    await clickOnCard(s, approver, approverCard, ACTION.approveRequest);

    const [request] = await requestsOf(s, requestor, pkg.id);
    expect(request!.state).toBe('delivered');
    expect(s.fake.groupMembers(WOODGROVE.marketingGroup)).toContain(requestor);
    const updates = s.fake.callsTo('chat.update').slice(updatesBefore);
    expect(updates.map((c) => c.args.ts)).toEqual(
      expect.arrayContaining([approverCard.ts, requestorCard.ts]),
    );
    for (const copy of [cardFor(s, approver, ref), cardFor(s, requestor, ref)]) {
      expect(copy.updates.length).toBeGreaterThan(0);
      expect(buttonsOf(copy.blocks)).toEqual([]);
      expect(JSON.stringify(copy.blocks)).toContain(`Approved by <@${approver}> at `);
      expect(JSON.stringify(copy.blocks)).toContain('Access delivered');
    }
    const dms = s.fake.messagesTo(requestor).map((m) => m.text);
    expect(dms.some((t) => t.includes(`Your request for ${pkg.name} (${ref}) was approved`))).toBe(true);
    expect(dms.some((t) => t.includes(`You now have access to ${pkg.name}`))).toBe(true);
  });

  it('Deny opens the reason modal; an empty reason is a field error; the reason reaches the requestor', async () => {
    const { pkg, requestId, ref } = await submitted({ approvalStages: [{ approverUserIds: [approver] }] });
    const card = cardFor(s, approver, ref);
    await clickOnCard(s, approver, card, ACTION.denyRequest);
    const modal = s.fake.openModal(approver);
    expect(modal?.callback_id).toBe(CALLBACK.decisionReason);
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('pending_approval');

    const empty = await s.submit({ userId: approver, answers: { reason: '  ' } });
    expect(empty.ack).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Say why') },
    });
    expect(s.fake.openModal(approver)?.id).toBe(modal!.id);

    const done = await s.submit({ userId: approver, answers: { reason: 'Budget is <!channel> frozen' } });
    expect(done.ack).toBeNull();
    const [request] = await requestsOf(s, requestor, pkg.id);
    expect(request).toMatchObject({
      id: requestId,
      state: 'denied',
      outcomeNote: 'Budget is <!channel> frozen',
    });
    const requestorCard = cardFor(s, requestor, ref);
    const text = JSON.stringify(requestorCard.blocks);
    expect(text).toContain(`Denied by <@${approver}>`);
    expect(text).toContain('Budget is &lt;!channel&gt; frozen');
    expect(text).not.toContain('<!channel>');
    expect(buttonsOf(requestorCard.blocks)).toEqual([]);
    expect(buttonsOf(cardFor(s, approver, ref).blocks)).toEqual([]);
    expect(s.fake.messagesTo(requestor).some((m) => m.text.includes(`was denied by <@${approver}>`))).toBe(
      true,
    );
    expect(request!.assignmentId).toBeNull();
  });

  it('Approve asks for a reason only when the stage requires approver justification', async () => {
    const { pkg, ref } = await submitted({
      approvalStages: [{ approverUserIds: [approver], justificationRequired: true }],
      expiry: { kind: 'days', days: 7 },
    });
    const card = cardFor(s, approver, ref);
    await clickOnCard(s, approver, card, ACTION.approveRequest);
    expect(s.fake.openModal(approver)?.callback_id).toBe(CALLBACK.decisionReason);
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('pending_approval');
    const { ack } = await s.submit({ userId: approver, answers: { reason: 'Campaign owner confirmed' } });
    expect(ack).toBeNull();
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('delivered');
    expect(JSON.stringify(cardFor(s, requestor, ref).blocks)).toContain('Campaign owner confirmed');
  });

  it('two stages: stage 1 approved moves the card to stage 2, whose approver gets their own card', async () => {
    const { pkg, ref } = await submitted({
      approvalStages: [{ approverUserIds: [approver] }, { approverUserIds: [admin] }],
    });
    const first = cardFor(s, approver, ref);
    expect(JSON.stringify(cardFor(s, requestor, ref).blocks)).toContain('stage 1 of 2');
    await clickOnCard(s, approver, first, ACTION.approveRequest);
    expect((await requestsOf(s, requestor, pkg.id))[0]).toMatchObject({
      state: 'pending_approval',
      stage: 2,
    });
    expect(JSON.stringify(cardFor(s, requestor, ref).blocks)).toContain('stage 2 of 2');
    expect(JSON.stringify(cardFor(s, approver, ref).blocks)).toContain(`Stage 1 approved by <@${approver}>`);
    expect(buttonsOf(cardFor(s, approver, ref).blocks)).toEqual([]);
    const second = cardFor(s, admin, ref);
    expect(buttonsOf(second.blocks).map((b) => b.value)).toEqual([
      expect.stringMatching(/:2$/),
      expect.stringMatching(/:2$/),
    ]);
  });

  it('/access approvals lists what waits on me; approving there redraws the list', async () => {
    const { pkg, requestId, ref } = await submitted({ approvalStages: [{ approverUserIds: [approver] }] });
    const { replies } = await s.command(approver, 'approvals');
    const list = replies[0]!;
    expect(JSON.stringify(list.blocks)).toContain(ref);
    expect(JSON.stringify(list.blocks)).toContain(pkg.name);
    const { responseUrl } = await clickEphemeral(s, {
      userId: approver,
      reply: list,
      actionId: ACTION.approveRequest,
      value: `${requestId}:1`,
    });
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('delivered');
    const [redrawn] = answersAt(s, responseUrl);
    expect(redrawn).toMatchObject({ replace_original: true });
    expect(JSON.stringify(redrawn)).not.toContain(ref);
  });

  it('the requestor cancels from the card; the approver copy loses its buttons', async () => {
    const { pkg, ref } = await submitted({ approvalStages: [{ approverUserIds: [approver] }] });
    const card = cardFor(s, requestor, ref);
    await clickOnCard(s, requestor, card, ACTION.cancelRequest);
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('canceled');
    expect(JSON.stringify(cardFor(s, requestor, ref).blocks)).toContain('Canceled at');
    expect(buttonsOf(cardFor(s, requestor, ref).blocks)).toEqual([]);
    expect(buttonsOf(cardFor(s, approver, ref).blocks)).toEqual([]);
    const answers = s.fake.responses().filter((r) => JSON.stringify(r.body).includes(`${ref} was canceled`));
    expect(answers).toHaveLength(1);
  });

  it('/access cancel R-… and /access cancel …number… cancel; a closed one is refused with the reason', async () => {
    const one = await submitted({ approvalStages: [{ approverUserIds: [approver] }] });
    const byRef = await s.command(requestor, `cancel ${one.ref}`);
    expect(byRef.replies[0]!.text).toContain(`${one.ref} for *${one.pkg.name}* was canceled`);
    const again = await s.command(requestor, `cancel ${one.requestId}`);
    expect(again.replies[0]!.text).toContain(`${one.ref} is canceled: it can't be canceled any more`);
    const two = await submitted({ approvalStages: [{ approverUserIds: [approver] }] });
    const list = await s.command(requestor, 'cancel');
    expect(buttonsOf(list.replies[0]!.blocks).map((b) => b.value)).toContain(String(two.requestId));
    const notMine = await s.command(approver, `cancel ${two.ref}`);
    expect(notMine.replies[0]!.text).toContain("isn't your request");
    const junk = await s.command(requestor, 'cancel <!channel>');
    expect(junk.replies[0]!.text).toContain("isn't a request id");
    expect(JSON.stringify(junk.replies[0])).not.toContain('<!channel>');
  });

  it('escalation adds the fallback approver with a card of their own; the time-out closes every copy', async () => {
    const { pkg, ref } = await submitted({
      approvalStages: [
        { approverUserIds: [approver], fallbackUserIds: [admin], escalateAfterDays: 1, decideWithinDays: 3 },
      ],
    });
    const updatesBefore = cardFor(s, approver, ref).updates.length;
    await s.advance(DAY + 60);
    const fallback = cardFor(s, admin, ref);
    expect(JSON.stringify(fallback.blocks)).toContain('escalated to you');
    expect(buttonsOf(fallback.blocks).map((b) => b.action_id)).toEqual([
      ACTION.approveRequest,
      ACTION.denyRequest,
    ]);
    expect(JSON.stringify(cardFor(s, approver, ref).blocks)).toContain(`<@${admin}> (fallback approver)`);
    expect(cardFor(s, approver, ref).updates.length).toBeGreaterThan(updatesBefore);

    await s.advance(3 * DAY);
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('timed_out');
    for (const who of [requestor, approver, admin]) {
      const copy = cardFor(s, who, ref);
      expect(buttonsOf(copy.blocks)).toEqual([]);
      expect(JSON.stringify(copy.blocks)).toContain('Timed out');
    }
    expect(
      s.fake.messagesTo(requestor).some((m) => m.text.includes('timed out: nobody decided in time')),
    ).toBe(true);
  });

  it('every Web API call the app made was accepted and within Block Kit limits', () => {
    expect(s.fake.calls.filter((c) => !c.ok)).toEqual([]);
    expect(s.fake.warnings).toEqual([]);
  });
});
