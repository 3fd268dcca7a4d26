import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import type { PostedMessage } from '../../src/sandbox/workspace.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import {
  answersAt,
  auditActions,
  buttonBlock,
  buttonsOf,
  cardFor,
  clickOnCard,
  packageWith,
  requestsOf,
  uniqueName,
} from './requests-support.js';

const { requestor, approver, admin, guest } = WOODGROVE;

describe(`who may decide, and what a refused click does (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox({ fake: { rateLimits: false } });
  });
  afterAll(() => s.close());

  async function pending(approvers: string[], justification = 'Need it') {
    const pkg = await packageWith(s, uniqueName('Guarded Package'), {
      approvalStages: [{ approverUserIds: approvers }],
    });
    await s.command(requestor, `request ${pkg.name}`);
    expect((await s.submit({ userId: requestor, answers: { justification } })).ack).toBeNull();
    const [request] = await requestsOf(s, requestor, pkg.id);
    return { pkg, requestId: request!.id, ref: `R-${request!.id}` };
  }

  /** `userId` clicks a button on someone's card (a forged or stale click); answers its response_url. */
  async function clickAs(userId: string, card: PostedMessage, actionId: string) {
    const parts = s.fake.blockAction({
      userId,
      messageTs: card.ts,
      blockId: buttonBlock(card, actionId),
      actionId,
    });
    await s.send(parts);
    await s.idle();
    return answersAt(s, parts.responseUrl!);
  }

  async function expectRefused(
    click: () => Promise<Record<string, unknown>[]>,
    requestId: number,
    message: string,
  ) {
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    const refusalsBefore = (await auditActions(s, requestId)).filter(
      (a) => a === 'request.action_refused',
    ).length;
    const answers = await click();
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answers[0]!.text)).toContain(message);
    const after = await snapshotCounts(s.gatehouse.deps.database.db);
    expect(after).toEqual({ ...before, audit_log: before.audit_log! + 1 });
    const refusals = (await auditActions(s, requestId)).filter((a) => a === 'request.action_refused');
    expect(refusals).toHaveLength(refusalsBefore + 1);
  }

  it('self-approval: the requestor, also listed as approver, is skipped and a forged click is refused', async () => {
    const { pkg, requestId, ref } = await pending([requestor, approver]);
    expect(
      s.fake
        .messagesTo(requestor)
        .some((m) => buttonsOf(m.blocks).some((b) => b.action_id === ACTION.approveRequest)),
    ).toBe(false);
    const card = cardFor(s, approver, ref);
    await expectRefused(
      () => clickAs(requestor, card, ACTION.approveRequest),
      requestId,
      "You can't approve or deny your own request",
    );
    await expectRefused(
      () => clickAs(requestor, card, ACTION.denyRequest),
      requestId,
      "You can't approve or deny your own request",
    );
    expect(s.fake.openModal(requestor)).toBeUndefined();
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('pending_approval');
  });

  it("a non-approver's forged click is refused, Deny included (no reason modal opens)", async () => {
    const { requestId, ref } = await pending([approver]);
    const card = cardFor(s, approver, ref);
    for (const forger of [guest, admin]) {
      await expectRefused(
        () => clickAs(forger, card, ACTION.approveRequest),
        requestId,
        `You aren't an approver of ${ref}`,
      );
      await expectRefused(
        () => clickAs(forger, card, ACTION.denyRequest),
        requestId,
        `You aren't an approver of ${ref}`,
      );
      expect(s.fake.openModal(forger)).toBeUndefined();
    }
  });

  it('a second click after the decision sees who decided it, and changes nothing', async () => {
    const { pkg, requestId, ref } = await pending([approver, admin]);
    const mine = cardFor(s, approver, ref);
    const theirs = cardFor(s, admin, ref);
    // Both clicks are made on the cards as they were before the first one landed.
    const first = s.fake.blockAction({
      userId: approver,
      messageTs: mine.ts,
      blockId: buttonBlock(mine, ACTION.approveRequest),
      actionId: ACTION.approveRequest,
    });
    const late = s.fake.blockAction({
      userId: admin,
      messageTs: theirs.ts,
      blockId: buttonBlock(theirs, ACTION.denyRequest),
      actionId: ACTION.denyRequest,
    });
    const again = s.fake.blockAction({
      userId: approver,
      messageTs: mine.ts,
      blockId: buttonBlock(mine, ACTION.approveRequest),
      actionId: ACTION.approveRequest,
    });
    await s.send(first);
    await s.idle();
    expect((await requestsOf(s, requestor, pkg.id))[0]!.state).toBe('delivered');
    expect(buttonsOf(cardFor(s, admin, ref).blocks)).toEqual([]);
    for (const parts of [late, again]) {
      await expectRefused(
        async () => {
          await s.send(parts);
          await s.idle();
          return answersAt(s, parts.responseUrl!);
        },
        requestId,
        `${ref} was already approved by <@${approver}>`,
      );
    }
    expect(s.fake.openModal(admin)).toBeUndefined();
  });

  it('a reason modal submitted after someone else decided is refused in the modal and audited', async () => {
    const { requestId, ref } = await pending([approver, admin]);
    const card = cardFor(s, admin, ref);
    await clickOnCard(s, admin, card, ACTION.denyRequest);
    expect(s.fake.openModal(admin)?.callback_id).toBe(CALLBACK.decisionReason);
    const mine = cardFor(s, approver, ref);
    await clickOnCard(s, approver, mine, ACTION.approveRequest);
    const { ack } = await s.submit({ userId: admin, answers: { reason: 'too late' } });
    expect(ack).toMatchObject({ response_action: 'update', view: { title: { text: "Couldn't decide" } } });
    expect(JSON.stringify(ack)).toContain('was already approved');
    expect(await auditActions(s, requestId)).toContain('request.action_refused');
  });

  it('a forged button value (not ids) is refused without touching anything', async () => {
    const { ref } = await pending([approver]);
    const card = cardFor(s, approver, ref);
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    const parts = s.fake.blockAction({
      userId: approver,
      messageTs: card.ts,
      blockId: buttonBlock(card, ACTION.approveRequest),
      actionId: ACTION.approveRequest,
      value: '{"requestId":1,"decision":"approve"}',
    });
    await s.send(parts);
    await s.idle();
    expect(String(answersAt(s, parts.responseUrl!)[0]?.text)).toContain('out of date');
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
  });

  it("mrkdwn-laden justifications are shown escaped on the approver's card", async () => {
    const evil = '<!channel> urgent <@U0ADMIN1> see <https://evil.example|the doc> & more';
    const { ref } = await pending([approver], evil);
    const card = cardFor(s, approver, ref);
    const json = JSON.stringify(card.blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0ADMIN1>');
    expect(json).not.toContain('<https://evil.example|the doc>');
    expect(json).toContain(
      '&lt;!channel&gt; urgent &lt;@U0ADMIN1&gt; see &lt;https://evil.example|the doc&gt; &amp; more',
    );
    expect(card.text).not.toContain('<!channel>');
  });

  it('every Web API call the app made was accepted and within Block Kit limits', () => {
    expect(s.fake.calls.filter((c) => !c.ok)).toEqual([]);
    expect(s.fake.warnings).toEqual([]);
  });
});
