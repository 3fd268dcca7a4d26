import { describe, expect, it } from 'vitest';
import { requestOutcome } from '../../src/domain/states.js';
import { checkMessageBlocks } from '../../src/sandbox/block-kit-checks.js';
import { HISTORY_PAGE_SIZE, historyView } from '../../views/portal/history.js';
import { range, request } from './portal-fixtures.js';

describe('/access history', () => {
  it('shows the engine’s outcome words with the R- id, package and dates', () => {
    const cases = [
      request(1, { state: 'delivered', outcome: requestOutcome('delivered', 'delivered') }),
      request(2, {
        state: 'delivered',
        outcome: requestOutcome('delivered', 'expired'),
        closedAt: new Date('2026-02-20T00:00:00Z'),
      }),
      request(3, { state: 'delivered', outcome: requestOutcome('delivered', 'removed') }),
      request(4, {
        state: 'denied',
        outcome: requestOutcome('denied', null),
        outcomeNote: 'not <@U0X> needed',
      }),
      request(5, { state: 'canceled', outcome: requestOutcome('canceled', null) }),
      request(6, { state: 'timed_out', outcome: requestOutcome('timed_out', null) }),
      request(7, { type: 'user_remove', state: 'delivered', outcome: 'Removed' }),
    ];
    const view = historyView({ requests: cases, page: 1, hasMore: false });
    expect(checkMessageBlocks(view.blocks)).toEqual([]);
    const lines = view.blocks.filter((b) => b.type === 'section').map((b) => JSON.stringify(b));
    expect(lines[0]).toContain('*Delivered* · R-5001 · *Package 1*');
    expect(lines[0]).toContain('Requested 2026-02-28');
    expect(lines[1]).toContain('*Expired* · R-5002');
    expect(lines[1]).toContain('closed 2026-02-20');
    expect(lines[2]).toContain('*Removed* · R-5003');
    expect(lines[3]).toContain('*Denied*');
    expect(lines[3]).toContain('not &lt;@U0X&gt; needed');
    expect(lines[4]).toContain('*Canceled*');
    expect(lines[5]).toContain('*Timed out*');
    expect(lines[6]).toContain('You gave it up');
    expect(JSON.stringify(view.blocks)).toContain('That is all of them.');
  });

  it('pages: 20 a page within 50 blocks, pointing to the next page', () => {
    const rows = range(HISTORY_PAGE_SIZE, (i) => request(i, { packageName: `P ${'z'.repeat(400)}` }));
    const view = historyView({ requests: rows, page: 2, hasMore: true });
    expect(checkMessageBlocks(view.blocks)).toEqual([]);
    expect(view.blocks.length).toBe(HISTORY_PAGE_SIZE + 2);
    expect(JSON.stringify(view.blocks)).toContain(
      'Requests 21–40, newest first. Older ones: `/access history 3`.',
    );
    expect(JSON.stringify(view.blocks[0])).toContain('Request history, page 2');
  });

  it('says so when there is nothing (or no such page)', () => {
    expect(historyView({ requests: [], page: 1, hasMore: false }).text).toContain(
      "You haven't requested anything yet.",
    );
    expect(historyView({ requests: [], page: 4, hasMore: false }).text).toContain('There is no page 4');
  });
});
