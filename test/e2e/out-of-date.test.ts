import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { ACTION } from '../../views/ids.js';
import { clientFor } from '../slack/support.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';

const USER = WOODGROVE.requestor;
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const button = (actionId: string, value = 'R-1') => ({
  type: 'button' as const,
  action_id: actionId,
  text: plain('Go'),
  value,
});

/**
 * Cards, modals and commands from an earlier version of the app (ids no listener answers any
 * more), sent the way Slack sends them: each is acked at once (200, not Bolt's 404 after three
 * seconds), the person is told it is out of date, and nothing in the store changes.
 */
describe(`what no listener answers is acked and called out of date (${databaseLabel})`, () => {
  let s: Sandbox;
  let bot: WebClient;
  let before: Record<string, number>;
  beforeAll(async () => {
    s = await startSandbox();
    bot = clientFor(s.fake);
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    before = await snapshotCounts(s.gatehouse.deps.database.db);
  });
  const storeUnchanged = async () =>
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);

  /** A card in the person's DM, as an older Gatehouse posted it. */
  async function oldCard(actionId: string): Promise<string> {
    const posted = await bot.chat.postMessage({
      channel: USER,
      text: 'An old request card',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'R-1 Marketing Campaign' } },
        { type: 'actions', block_id: 'old_card', elements: [button(actionId)] },
      ],
    });
    return posted.ts as string;
  }

  /** A modal an older Gatehouse opened: its callback_id, a filter select, a Next button, an input. */
  async function oldModal(): Promise<string> {
    const opened = await bot.views.open({
      trigger_id: s.fake.issueTriggerId(USER),
      view: {
        type: 'modal',
        callback_id: 'package_wizard_v1',
        title: plain('New package'),
        submit: plain('Save'),
        blocks: [
          {
            type: 'actions',
            block_id: 'old_filters',
            elements: [
              {
                type: 'static_select',
                action_id: 'old_catalog_filter',
                placeholder: plain('Catalog'),
                options: [{ text: plain('General'), value: 'general' }],
              },
              button('old_wizard_next', 'resources'),
            ],
          },
          {
            type: 'input',
            block_id: 'name',
            dispatch_action: true,
            label: plain('Name'),
            element: { type: 'plain_text_input', action_id: 'old_name' },
          },
        ],
      },
    });
    return opened.view?.id as string;
  }

  it('a click on an old card: 200 at once, an ephemeral through its response_url', async () => {
    const ts = await oldCard('approve_request_v0');
    const parts = s.fake.blockAction({
      userId: USER,
      blockId: 'old_card',
      actionId: 'approve_request_v0',
      messageTs: ts,
    });
    const response = await s.send(parts);
    expect(response.status).toBe(200);
    await s.idle();
    const answers = s.fake.responses(parts.responseUrl);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(answers[0]!.body)).toContain('That button is out of date');
    await storeUnchanged();
  });

  it('a click on an old Home tab button: 200, and the answer in the person’s DM', async () => {
    await bot.views.publish({
      user_id: USER,
      view: {
        type: 'home',
        blocks: [{ type: 'actions', block_id: 'old_home', elements: [button('old_home_refresh')] }],
      },
    });
    const home = s.fake.homeView(USER)!;
    const dmsBefore = s.fake.messagesTo(USER).length;
    const response = await s.click({
      userId: USER,
      viewId: home.id,
      blockId: 'old_home',
      actionId: 'old_home_refresh',
    });
    expect(response.status).toBe(200);
    const dms = s.fake.messagesTo(USER).slice(dmsBefore);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.text).toContain('That button is out of date');
    await storeUnchanged();
  });

  it('a click on an old modal’s button: 200 and a DM; its select and its input: 200 and not a word', async () => {
    const viewId = await oldModal();
    const dmsBefore = s.fake.messagesTo(USER).length;
    const next = await s.click({ userId: USER, viewId, blockId: 'old_filters', actionId: 'old_wizard_next' });
    expect(next.status).toBe(200);
    expect(
      s.fake
        .messagesTo(USER)
        .slice(dmsBefore)
        .map((m) => m.text),
    ).toEqual([expect.stringContaining('That button is out of date')]);

    const calls = s.fake.calls.length;
    const select = await s.click({
      userId: USER,
      viewId,
      blockId: 'old_filters',
      actionId: 'old_catalog_filter',
      value: 'general',
    });
    const input = await s.click({ userId: USER, viewId, blockId: 'name', actionId: 'old_name', value: 'x' });
    expect([select.status, input.status]).toEqual([200, 200]);
    // Form fields are acked silently: no DM, no ephemeral, no call to Slack at all.
    expect(s.fake.calls.slice(calls)).toEqual([]);
    expect(s.fake.messagesTo(USER).length).toBe(dmsBefore + 1);
    await storeUnchanged();
  });

  it('submitting an old modal: 200 with the modal replaced by one saying the form is out of date', async () => {
    const viewId = await oldModal();
    const { status, ack } = await s.submit({ userId: USER, viewId, answers: { name: 'Sales' } });
    expect(status).toBe(200);
    expect(ack).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(ack)).toContain('This form is out of date');
    expect(JSON.stringify(ack)).toContain('/access');
    // The fake applied it the way Slack would: the open modal is now the out-of-date one.
    const shown = s.fake.openModal(USER);
    expect(shown?.id).toBe(viewId);
    expect(shown?.submit ?? null).toBeNull();
    expect(JSON.stringify(shown?.blocks)).toContain('This form is out of date');
    await storeUnchanged();
  });

  it('a slash command other than /access: 200 with an ephemeral in the ack saying Gatehouse only answers /access', async () => {
    const parts = s.fake.slashCommand({ userId: USER, command: '/gatehouse', text: 'request Sales' });
    const response = await s.send(parts);
    expect(response.status).toBe(200);
    const ack = (await response.json()) as { response_type?: string; text?: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('only answers `/access`');
    await s.idle();
    expect(s.fake.responses(parts.responseUrl)).toEqual([]);
    await storeUnchanged();
  });

  it('known ids are left to their listeners, and not called out of date', async () => {
    const help = await s.command(USER, 'help');
    expect(help.replies).toHaveLength(1);
    expect(JSON.stringify(help.replies)).not.toContain('out of date');

    const admin = WOODGROVE.admin;
    const posted = await bot.chat.postMessage({
      channel: admin,
      text: 'New access package',
      blocks: [{ type: 'actions', block_id: 'manage', elements: [button(ACTION.openWizard, 'new')] }],
    });
    const dmsBefore = s.fake.messagesTo(admin).length;
    const parts = s.fake.blockAction({
      userId: admin,
      blockId: 'manage',
      actionId: ACTION.openWizard,
      messageTs: posted.ts as string,
    });
    expect((await s.send(parts)).status).toBe(200);
    await s.idle();
    expect(s.fake.openModal(admin)?.callback_id).toBe('package_wizard');
    expect(s.fake.responses(parts.responseUrl)).toEqual([]);
    expect(s.fake.messagesTo(admin).length).toBe(dmsBefore);
  });
});
