import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { checkMessageBlocks, checkView } from '../../src/sandbox/block-kit-checks.js';
import { ACTION } from '../../views/ids.js';
import { approvalsListView } from '../../views/requests/approvals-list.js';
import { decisionReasonModal } from '../../views/requests/decision-reason-modal.js';
import { didYouMeanView, packagePickerView } from '../../views/requests/package-picker.js';
import { type RequestCardState, requestCard } from '../../views/requests/request-card.js';
import { decisionValueSchema } from '../../views/requests/values.js';
import { expectToContainAll } from '../support/views.js';

const REQUESTOR = 'U0REQ';
const APPROVER = 'U0APP';
const OTHER = 'U0OTHER';

function card(overrides: Partial<RequestCardState> = {}): RequestCardState {
  return {
    requestId: 1042,
    request: 'R-1042',
    type: 'user_add',
    packageName: 'Marketing Campaign',
    userId: REQUESTOR,
    requestedBy: REQUESTOR,
    state: 'pending_approval',
    outcome: 'Pending approval',
    stage: 1,
    stages: 2,
    policyName: 'Initial policy',
    justification: 'New campaign',
    answers: [{ question: 'Cost center', answer: 'CC1234' }],
    startAt: null,
    endAt: null,
    createdAt: '2026-01-05T09:00:00.000Z',
    closedAt: null,
    outcomeNote: null,
    approvers: [{ stage: 1, userId: APPROVER, reason: 'named approver', isFallback: false }],
    decisions: [],
    currentAccess: [{ packageName: 'Sales Reports', endsAt: '2026-03-01T00:00:00Z' }],
    ...overrides,
  };
}

type Json = Record<string, unknown>;

function buttons(blocks: KnownBlock[]): Json[] {
  return (blocks as unknown as Json[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements as Json[]);
}

const textOf = (blocks: KnownBlock[]) => JSON.stringify(blocks);

describe('the request card', () => {
  it('shows the same facts to everyone: package, requestor, why, justification, answers, access, stage', () => {
    for (const viewer of [REQUESTOR, APPROVER]) {
      const { blocks } = requestCard(card(), viewer);
      const text = textOf(blocks);
      expectToContainAll(text, [
        'Marketing Campaign',
        'R-1042',
        `<@${REQUESTOR}>`,
        'New campaign',
        'Cost center',
        'CC1234',
        'Sales Reports (until 2026-03-01)',
        'stage 1 of 2',
        'Submitted by',
        '2026-01-05 09:00 UTC',
      ]);
      expect(checkMessageBlocks(blocks).filter((i) => i.level === 'error')).toEqual([]);
    }
    expect(textOf(requestCard(card(), APPROVER).blocks)).toContain(
      'you approve for stage 1 as named approver',
    );
    expect(textOf(requestCard(card(), REQUESTOR).blocks)).not.toContain('Why you');
  });

  it("gives the open stage's approver Approve and Deny carrying only the request id and stage", () => {
    const mine = buttons(requestCard(card(), APPROVER).blocks);
    expect(mine.map((b) => b.action_id)).toEqual([ACTION.approveRequest, ACTION.denyRequest]);
    expect(decisionValueSchema.parse(mine[0]!.value)).toEqual({ requestId: 1042, stage: 1 });
  });

  it('gives the requestor Cancel while the request is open, and nobody else any button', () => {
    expect(buttons(requestCard(card(), REQUESTOR).blocks).map((b) => b.action_id)).toEqual([
      ACTION.cancelRequest,
    ]);
    expect(buttons(requestCard(card(), OTHER).blocks)).toEqual([]);
  });

  it('once decided: no buttons, and it says who approved when', () => {
    const decided = card({
      state: 'delivered',
      outcome: 'Delivered',
      stage: 0,
      stages: 1,
      closedAt: '2026-01-05T10:01:00Z',
      decisions: [
        {
          stage: 1,
          approverId: APPROVER,
          decision: 'approve',
          reason: null,
          decidedAt: '2026-01-05T10:00:00Z',
        },
      ],
    });
    for (const viewer of [REQUESTOR, APPROVER]) {
      const { blocks } = requestCard(decided, viewer);
      expect(buttons(blocks)).toEqual([]);
      expect(textOf(blocks)).toContain(`Approved by <@${APPROVER}> at 2026-01-05 10:00 UTC`);
      expect(textOf(blocks)).toContain('Access delivered at 2026-01-05 10:01 UTC');
    }
  });

  it('a denial shows its reason, escaped', () => {
    const denied = card({
      state: 'denied',
      outcome: 'Denied',
      stage: 0,
      decisions: [
        {
          stage: 1,
          approverId: APPROVER,
          decision: 'deny',
          reason: 'no <!here>',
          decidedAt: '2026-01-05T10:00:00Z',
        },
      ],
    });
    const text = textOf(requestCard(denied, REQUESTOR).blocks);
    expect(text).toContain(`Stage 1 denied by <@${APPROVER}>`);
    expect(text).toContain('no &lt;!here&gt;');
    expect(text).not.toContain('<!here>');
  });

  it('escapes mrkdwn-laden justifications and answers, and cuts a 4,000-character one to fit', () => {
    const evil = `<!channel> <@U0BOSS> <https://evil.example|click me> & ${'x'.repeat(4000)}`;
    const { blocks, text } = requestCard(
      card({
        justification: evil,
        answers: [{ question: '<!everyone>?', answer: evil }],
        packageName: '<!here>',
      }),
      APPROVER,
    );
    const json = textOf(blocks);
    for (const raw of [
      '<!channel>',
      '<@U0BOSS>',
      '<https://evil.example|click me>',
      '<!everyone>',
      '<!here>',
    ]) {
      expect(json).not.toContain(raw);
      expect(text).not.toContain(raw);
    }
    expect(json).toContain('&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click me&gt; &amp;');
    expect(json).toContain('…');
    expect(checkMessageBlocks(blocks).filter((i) => i.level === 'error')).toEqual([]);
    const total = (blocks as unknown as Json[]).reduce((n, b) => n + JSON.stringify(b).length, 0);
    expect(total).toBeLessThan(13_000);
  });

  it('an escalated fallback approver is told why they got it', () => {
    const escalated = card({
      approvers: [
        { stage: 1, userId: APPROVER, reason: 'named approver', isFallback: false },
        { stage: 1, userId: OTHER, reason: 'fallback approver', isFallback: true },
      ],
    });
    expect(textOf(requestCard(escalated, OTHER).blocks)).toContain('escalated to you');
    expect(buttons(requestCard(escalated, OTHER).blocks).map((b) => b.action_id)).toContain(
      ACTION.approveRequest,
    );
  });
});

describe('the approvals list, pickers and reason modal', () => {
  const item = (i: number) => ({
    requestId: 2000 + i,
    request: `R-${2000 + i}`,
    packageName: `Package ${i}`,
    requestor: REQUESTOR,
    justification: '<!channel> please',
    stage: 1,
    stages: 1,
    reason: 'named approver',
    isFallback: false,
    dueAt: '2026-01-19T09:00:00Z',
  });

  it('lists what waits on me with Approve / Deny each, within 50 blocks even for 60 requests', () => {
    const one = approvalsListView([item(1)]);
    expect(buttons(one.blocks).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.approveRequest, '2001:1'],
      [ACTION.denyRequest, '2001:1'],
    ]);
    expect(textOf(one.blocks)).not.toContain('<!channel>');
    const many = approvalsListView(Array.from({ length: 60 }, (_, i) => item(i)));
    expect(many.blocks.length).toBeLessThanOrEqual(50);
    expect(checkMessageBlocks(many.blocks).filter((i) => i.level === 'error')).toEqual([]);
    expect(textOf(many.blocks)).toContain('Showing the 20 due soonest of 60');
    expect(approvalsListView([]).text).toContain('Nothing waits on you');
  });

  it('the pick list offers at most 100 packages; "Did you mean" a Request button each', () => {
    const packages = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      name: `${'P'.repeat(90)}${i}`,
      description: '',
    }));
    const picker = packagePickerView(packages);
    expect(checkMessageBlocks(picker.blocks).filter((i) => i.level === 'error')).toEqual([]);
    const select = (picker.blocks[0] as unknown as { accessory: { options: unknown[]; action_id: string } })
      .accessory;
    expect(select.action_id).toBe(ACTION.requestPackage);
    expect(select.options).toHaveLength(100);
    expect(textOf(picker.blocks)).toContain('Showing 100 of 150');

    const meant = didYouMeanView('market', packages.slice(0, 2));
    const accessories = (meant.blocks as unknown as Json[])
      .map((b) => b.accessory as Json | undefined)
      .filter(Boolean) as Json[];
    expect(accessories.map((a) => [a.action_id, a.value])).toEqual([
      [ACTION.requestPackage, '1'],
      [ACTION.requestPackage, '2'],
    ]);
  });

  it('the reason modal asks why, with a required input named reason', () => {
    const view = decisionReasonModal({
      requestId: 1042,
      stage: 1,
      decision: 'deny',
      request: 'R-1042',
      packageName: '<!here> pkg',
      requestor: REQUESTOR,
      justification: 'because',
    });
    expect(checkView(view).filter((i) => i.level === 'error')).toEqual([]);
    const input = (view.blocks as unknown as Json[]).find((b) => b.type === 'input')!;
    expect(input.block_id).toBe('reason');
    expect(input.optional).toBeUndefined();
    expect(JSON.parse(view.private_metadata!)).toEqual({ requestId: 1042, stage: 1, decision: 'deny' });
    expect(JSON.stringify(view.blocks)).not.toContain('<!here>');
  });
});
