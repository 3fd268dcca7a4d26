import { describe, expect, it } from 'vitest';
import { GatehouseError, person, sentence } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/logger.js';
import { checkView } from '../../src/sandbox/block-kit-checks.js';
import { explain, refusalNotice } from '../../src/slack/refusals.js';
import { ACTION } from '../../views/ids.js';
import { homeView } from '../../views/portal/home.js';
import { homeMetadataSchema, homePageValueSchema } from '../../views/portal/home-pages.js';
import { HOME_SECTIONS } from '../support/views.js';
import {
  assignment,
  emptyHome,
  managed,
  NOW,
  range,
  request,
  requestable,
  review,
  reviewItem,
} from './portal-fixtures.js';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: Button;
  elements?: Button[];
};
type Button = { type: string; action_id: string; value?: string; text: { text: string }; confirm?: unknown };

const blocksOf = (view: ReturnType<typeof homeView>) => view.blocks as unknown as Block[];
const headers = (view: ReturnType<typeof homeView>) =>
  blocksOf(view)
    .filter((b) => b.type === 'header')
    .map((b) => b.text!.text);
const buttons = (view: ReturnType<typeof homeView>) =>
  blocksOf(view)
    .flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...(b.elements ?? [])])
    .filter((e) => e.type === 'button');
const byBlock = (view: ReturnType<typeof homeView>, blockId: string) =>
  blocksOf(view).find((b) => b.block_id === blockId);

function expectValid(view: ReturnType<typeof homeView>) {
  expect(checkView(view).filter((i) => i.level === 'error')).toEqual([]);
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(250_000);
  const ids = blocksOf(view).flatMap((b) => (b.block_id ? [b.block_id] : []));
  expect(new Set(ids).size).toBe(ids.length);
}

describe('the Home tab (My Access portal)', () => {
  it('with nothing at all: every section says so, no buttons, no manage section', () => {
    const view = homeView(emptyHome());
    expectValid(view);
    expect(view.type).toBe('home');
    expect(headers(view)).toEqual(HOME_SECTIONS);
    const text = JSON.stringify(view);
    expect(text).toContain('There is nothing you can request right now');
    expect(text).toContain("You don't have any access packages yet.");
    expect(text).toContain('Nothing waits on your approval.');
    expect(text).toContain('No access review waits on you.');
    expect(buttons(view)).toEqual([]);
  });

  it('with 200 assignments, 500 packages and a lot of everything stays within 100 blocks and 250 kB', () => {
    const view = homeView(
      emptyHome({
        requestable: range(500, (i) => requestable(i, `Requestable ${i} ${'n'.repeat(200)}`)),
        assignments: range(200, (i) => assignment(i, { packageName: `Package ${i} ${'p'.repeat(300)}` })),
        openRequests: range(80, (i) => request(i)),
        approvals: range(40, (i) => ({
          requestId: i,
          request: `R-${i}`,
          packageName: `Approve ${i} ${'a'.repeat(200)}`,
          requestor: 'U0REQ',
          dueAt: NOW,
        })),
        reviews: range(5, (r) =>
          review(
            r + 1,
            range(40, (i) => reviewItem(r * 100 + i)),
          ),
        ),
        manage: { canCreatePackages: true, packages: range(300, managed) },
      }),
    );
    expectValid(view);
    expect(headers(view)).toContain('Packages I manage');
    for (const section of ['catalog', 'access', 'requests', 'reviews', 'manage']) {
      const more = byBlock(view, `more_${section}`);
      expect(more?.accessory).toMatchObject({ action_id: ACTION.homePage, value: `${section}:1` });
    }
    expect(byBlock(view, 'more_access')!.text!.text).toBe('Showing 1–8 of 200 packages, soonest end first.');
    expect(byBlock(view, 'more_catalog')!.text!.text).toContain('of 500');
    expect(JSON.stringify(view)).toContain('Showing 5 of 40. `/access approvals` lists them all');
  });

  it('pages a section with More; the last page offers to go back to the first', () => {
    const input = emptyHome({ assignments: range(20, (i) => assignment(i)) });
    const second = homeView({ ...input, pages: { access: 1 } });
    expect(byBlock(second, 'assignment_1008')).toBeDefined();
    expect(byBlock(second, 'assignment_1000')).toBeUndefined();
    expect(byBlock(second, 'more_access')!.accessory!.value).toBe('access:2');
    const last = homeView({ ...input, pages: { access: 2 } });
    expect(byBlock(last, 'more_access')!.text!.text).toBe('Showing 17–20 of 20 packages, soonest end first.');
    expect(byBlock(last, 'more_access')!.accessory).toMatchObject({
      value: 'access:0',
      text: { text: 'Back to the first' },
    });
    const beyond = homeView({ ...input, pages: { access: 99 } });
    expect(byBlock(beyond, 'more_access')!.text!.text).toContain('17–20');
    expect(homeMetadataSchema.parse(JSON.parse(last.private_metadata))).toEqual({ pages: { access: 2 } });
  });

  it('puts Extend only where the engine says it can extend now, and I’m done with a confirm dialog', () => {
    const view = homeView(
      emptyHome({
        assignments: [
          assignment(0, { canExtend: true, extendRefusal: null }),
          assignment(1, { canExtend: false, extendRefusal: 'too_early' }),
        ],
      }),
    );
    const first = byBlock(view, 'assignment_1000')!.elements!;
    expect(first.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.extendAssignment, '1000'],
      [ACTION.doneWithAssignment, '1000'],
    ]);
    expect(first[1]!.confirm).toMatchObject({ title: { text: 'Give up this access?' } });
    const second = byBlock(view, 'assignment_1001')!.elements!;
    expect(second.map((b) => b.action_id)).toEqual([ACTION.doneWithAssignment]);
    const text = JSON.stringify(view);
    expect(text).toContain(`until ${assignment(0).endsAt!.toISOString().slice(0, 10)}`);
    expect(text).toContain('can be extended nearer its end');
  });

  it('lists open requests with Cancel, reviews with Keep / Remove, and manage shortcuts', () => {
    const view = homeView(
      emptyHome({
        openRequests: [request(1)],
        reviews: [review(9, [reviewItem(1), reviewItem(2, { decision: 'keep', decidedBy: 'U0REQ' })])],
        manage: { canCreatePackages: true, packages: [managed(1)] },
      }),
    );
    expect(byBlock(view, 'open_request_5001')!.accessory).toMatchObject({
      action_id: ACTION.cancelRequest,
      value: '5001',
    });
    expect(byBlock(view, 'review_9_7001')!.elements!.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.reviewKeep, '9:7001'],
      [ACTION.reviewRemove, '9:7001'],
    ]);
    expect(JSON.stringify(view)).toContain(':white_check_mark: keep by you');
    expect(byBlock(view, 'manage_new')!.elements![0]).toMatchObject({ action_id: ACTION.openWizard });
    expect(byBlock(view, 'manage_4001')!.elements!.map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.showPackageRequests, '4001'],
      [ACTION.showPackageAssignments, '4001'],
    ]);
    const reader = homeView(emptyHome({ manage: { canCreatePackages: false, packages: [] } }));
    expect(byBlock(reader, 'manage_new')).toBeUndefined();
    expect(JSON.stringify(reader)).toContain('There are no access packages in your catalogs yet.');
  });

  it('escapes what people typed and shows the notice on top', () => {
    const view = homeView(
      emptyHome({
        requestable: [requestable(1, '<!channel> <@U0EVIL> *Sales*')],
        notice: refusalNotice(
          explain(
            new GatehouseError(
              'assignment.extension_not_allowed',
              sentence`It's too early to extend <!here> for ${person('U0REQ')}.`,
            ),
            silentLogger,
          ),
        ),
      }),
    );
    const text = JSON.stringify(view);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<@U0EVIL>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(byBlock(view, 'notice')!.text!.text).toBe(
      ":no_entry: It's too early to extend &lt;!here&gt; for <@U0REQ>.",
    );
    expect(blocksOf(view).findIndex((b) => b.block_id === 'notice')).toBe(2);
  });

  it('parses the More button value at the edge', () => {
    expect(homePageValueSchema.parse('reviews:3')).toEqual({ section: 'reviews', page: 3 });
    expect(homePageValueSchema.safeParse('nope:1').success).toBe(false);
    expect(homePageValueSchema.safeParse('access:-1').success).toBe(false);
  });
});
