import { describe, expect, it } from 'vitest';
import { checkMessageBlocks } from '../../src/sandbox/block-kit-checks.js';
import { ACTION } from '../../views/ids.js';
import { MY_ACCESS_SHOWN, myAccessView } from '../../views/portal/my-access.js';
import { assignment, range, request } from './portal-fixtures.js';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id: string; value: string }[];
};

describe('/access my', () => {
  it('shows each package with its end date, Extend only when it can be extended now, and I’m done', () => {
    const view = myAccessView({
      assignments: [
        assignment(0, { canExtend: true, extendRefusal: null, endsAt: new Date('2026-04-02T10:00:00Z') }),
        assignment(1, { canExtend: false, extendRefusal: 'max_reached', endsAt: null }),
      ],
      openRequests: [],
    });
    expect(checkMessageBlocks(view.blocks)).toEqual([]);
    const blocks = view.blocks as unknown as Block[];
    const text = JSON.stringify(blocks);
    expect(text).toContain('*Package 0* — until 2026-04-02');
    expect(text).toContain('*Package 1* — no end date · _no more extensions allowed_');
    const actionsOf = (id: string) =>
      blocks.find((b) => b.block_id === id)!.elements!.map((e) => e.action_id);
    expect(actionsOf('assignment_1000')).toEqual([ACTION.extendAssignment, ACTION.doneWithAssignment]);
    expect(actionsOf('assignment_1001')).toEqual([ACTION.doneWithAssignment]);
    expect(text).not.toContain('My open requests');
  });

  it('lists open requests with Cancel carrying the request id', () => {
    const view = myAccessView({
      assignments: [],
      openRequests: [
        request(1),
        request(2, { state: 'scheduled', startAt: new Date('2026-05-01T00:00:00Z'), outcome: 'Scheduled' }),
      ],
    });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain("You don't have any access packages.");
    expect(text).toContain('R-5001 · *Package 1* — waiting for approval (stage 1)');
    expect(text).toContain('R-5002 · *Package 2* — approved, starts later · starts 2026-05-01');
    expect(view.blocks.find((b) => b.block_id === 'open_request_5001')).toMatchObject({
      accessory: { action_id: ACTION.cancelRequest, value: '5001' },
    });
  });

  it('stays within a message’s 50 blocks however much there is, and says where the rest is', () => {
    const view = myAccessView({
      assignments: range(200, (i) => assignment(i, { packageName: `P${i} ${'y'.repeat(500)}` })),
      openRequests: range(60, (i) => request(i)),
      notice: { kind: 'done', mrkdwn: 'Extended P1.' },
    });
    expect(checkMessageBlocks(view.blocks)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(50);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(`Showing the ${MY_ACCESS_SHOWN} that end soonest of 200`);
    expect(text).toContain('Showing the newest 10 of 60 open requests.');
    expect(view.text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes package names', () => {
    const view = myAccessView({
      assignments: [assignment(0, { packageName: '<!everyone> & co' })],
      openRequests: [],
    });
    const mrkdwn = JSON.stringify(view.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
    expect(mrkdwn.join()).not.toContain('<!everyone>');
    expect(mrkdwn.join()).toContain('&lt;!everyone&gt; &amp; co');
    expect(view.text).toBe('You have &lt;!everyone&gt; &amp; co.');
  });
});
