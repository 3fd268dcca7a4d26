import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { FakeSlack } from '../../src/sandbox/fake-slack.js';
import { clientFor, refusal } from './support.js';

const USER = 'U0ALEX';
const wall = new ManualClock();
let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = new FakeSlack({ seed: { users: [{ id: USER, name: 'alex' }] }, wallClock: wall, rateLimits: false });
  await fake.start();
  client = clientFor(fake);
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

type Json = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const x = (n: number) => 'x'.repeat(n);
const section = (text = 'Hello') => ({ type: 'section', text: mrkdwn(text) });
const sections = (n: number) => Array.from({ length: n }, (_, i) => section(`Line ${i}`));
const option = (text: string, value = text) => ({ text: plain(text), value });
const options = (n: number) => Array.from({ length: n }, (_, i) => option(`Option ${i}`, `v${i}`));
const modal = (blocks: Json[], extra: Json = {}) => ({
  type: 'modal',
  title: plain('Request access'),
  submit: plain('Submit'),
  close: plain('Cancel'),
  blocks,
  ...extra,
});
const input = (element: Json, blockId = 'field') => ({
  type: 'input',
  block_id: blockId,
  label: plain('Field'),
  element,
});
const button = (fields: Json = {}) => ({ type: 'button', action_id: 'go', text: plain('Go'), ...fields });
const actions = (elements: Json[]) => ({ type: 'actions', block_id: 'buttons', elements });

type Surface = 'modal' | 'home' | 'message';

function send(surface: Surface, payload: Json | Json[]) {
  if (surface === 'modal') {
    return client.apiCall('views.open', { trigger_id: fake.issueTriggerId(USER), view: payload });
  }
  if (surface === 'home') return client.apiCall('views.publish', { user_id: USER, view: payload });
  return client.apiCall('chat.postMessage', { channel: USER, text: 'fallback', blocks: payload });
}

interface LimitCase {
  name: string;
  surface: Surface;
  limit: number;
  pointer: string;
  build: (n: number) => Json | Json[];
}

const cases: LimitCase[] = [
  {
    name: 'modal title',
    surface: 'modal',
    limit: 24,
    pointer: '/view/title/text',
    build: (n) => modal([], { title: plain(x(n)) }),
  },
  {
    name: 'modal submit',
    surface: 'modal',
    limit: 24,
    pointer: '/view/submit/text',
    build: (n) => modal([], { submit: plain(x(n)) }),
  },
  {
    name: 'modal close',
    surface: 'modal',
    limit: 24,
    pointer: '/view/close/text',
    build: (n) => modal([], { close: plain(x(n)) }),
  },
  {
    name: 'blocks in a modal',
    surface: 'modal',
    limit: 100,
    pointer: '/view/blocks',
    build: (n) => modal(sections(n)),
  },
  {
    name: 'blocks on a Home tab',
    surface: 'home',
    limit: 100,
    pointer: '/view/blocks',
    build: (n) => ({ type: 'home', blocks: sections(n) }),
  },
  {
    name: 'blocks in a message',
    surface: 'message',
    limit: 50,
    pointer: '/blocks',
    build: (n) => sections(n),
  },
  {
    name: 'section text',
    surface: 'message',
    limit: 3000,
    pointer: '/blocks/0/text/text',
    build: (n) => [section(x(n))],
  },
  {
    name: 'section fields',
    surface: 'message',
    limit: 10,
    pointer: '/blocks/0/fields',
    build: (n) => [{ type: 'section', fields: Array.from({ length: n }, () => mrkdwn('f')) }],
  },
  {
    name: 'section field text',
    surface: 'message',
    limit: 2000,
    pointer: '/blocks/0/fields/0/text',
    build: (n) => [{ type: 'section', fields: [mrkdwn(x(n))] }],
  },
  {
    name: 'header text',
    surface: 'message',
    limit: 150,
    pointer: '/blocks/0/text/text',
    build: (n) => [{ type: 'header', text: plain(x(n)) }],
  },
  {
    name: 'button text',
    surface: 'message',
    limit: 75,
    pointer: '/blocks/0/elements/0/text/text',
    build: (n) => [actions([button({ text: plain(x(n)) })])],
  },
  {
    name: 'button value',
    surface: 'message',
    limit: 2000,
    pointer: '/blocks/0/elements/0/value',
    build: (n) => [actions([button({ value: x(n) })])],
  },
  {
    name: 'option text',
    surface: 'modal',
    limit: 75,
    pointer: '/view/blocks/0/element/options/0/text/text',
    build: (n) => modal([input({ type: 'static_select', action_id: 'pick', options: [option(x(n), 'v')] })]),
  },
  {
    name: 'option value',
    surface: 'modal',
    limit: 150,
    pointer: '/view/blocks/0/element/options/0/value',
    build: (n) =>
      modal([input({ type: 'static_select', action_id: 'pick', options: [option('Text', x(n))] })]),
  },
  {
    name: 'options in a select',
    surface: 'modal',
    limit: 100,
    pointer: '/view/blocks/0/element/options',
    build: (n) => modal([input({ type: 'static_select', action_id: 'pick', options: options(n) })]),
  },
  {
    name: 'checkbox options',
    surface: 'modal',
    limit: 10,
    pointer: '/view/blocks/0/element/options',
    build: (n) => modal([input({ type: 'checkboxes', action_id: 'pick', options: options(n) })]),
  },
  {
    name: 'radio button options',
    surface: 'modal',
    limit: 10,
    pointer: '/view/blocks/0/element/options',
    build: (n) => modal([input({ type: 'radio_buttons', action_id: 'pick', options: options(n) })]),
  },
  {
    name: 'block_id',
    surface: 'message',
    limit: 255,
    pointer: '/blocks/0/block_id',
    build: (n) => [{ ...section(), block_id: x(n) }],
  },
  {
    name: 'action_id',
    surface: 'message',
    limit: 255,
    pointer: '/blocks/0/elements/0/action_id',
    build: (n) => [actions([button({ action_id: x(n) })])],
  },
  {
    name: 'private_metadata',
    surface: 'modal',
    limit: 3000,
    pointer: '/view/private_metadata',
    build: (n) => modal([], { private_metadata: x(n) }),
  },
  {
    name: 'callback_id',
    surface: 'modal',
    limit: 255,
    pointer: '/view/callback_id',
    build: (n) => modal([], { callback_id: x(n) }),
  },
  {
    name: 'elements in an actions block',
    surface: 'message',
    limit: 25,
    pointer: '/blocks/0/elements',
    build: (n) => [actions(Array.from({ length: n }, (_, i) => button({ action_id: `go_${i}` })))],
  },
  {
    name: 'elements in a context block',
    surface: 'message',
    limit: 10,
    pointer: '/blocks/0/elements',
    build: (n) => [{ type: 'context', elements: Array.from({ length: n }, () => mrkdwn('c')) }],
  },
  {
    name: 'placeholder',
    surface: 'modal',
    limit: 150,
    pointer: '/view/blocks/0/element/placeholder/text',
    build: (n) => modal([input({ type: 'plain_text_input', action_id: 'text', placeholder: plain(x(n)) })]),
  },
];

describe('fake Slack: Block Kit limits, through @slack/web-api', () => {
  it.each(cases)('$name: accepts $limit, refuses one more', async ({ surface, limit, pointer, build }) => {
    await expect(send(surface, build(limit))).resolves.toMatchObject({ ok: true });
    const before = { messages: fake.workspace.messages.length, views: fake.workspace.viewEvents.length };

    const refused = await refusal(send(surface, build(limit + 1)));

    expect(refused.error).toBe(surface === 'message' ? 'invalid_blocks' : 'invalid_arguments');
    expect(
      refused.messages.some((m) => m.startsWith('[ERROR]') && m.endsWith(`[json-pointer:${pointer}]`)),
    ).toBe(true);
    expect({ messages: fake.workspace.messages.length, views: fake.workspace.viewEvents.length }).toEqual(
      before,
    );
  });

  it('words a refusal the way Slack does', async () => {
    const refused = await refusal(send('modal', modal([], { title: plain(x(25)) })));
    expect(refused.messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    expect(refused.data.errors).toEqual(['must be less than 25 characters [json-pointer:/view/title/text]']);
  });

  it('counts characters, not UTF-16 units: 24 emoji fit a modal title', async () => {
    await expect(send('modal', modal([], { title: plain('🔑'.repeat(24)) }))).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refuses empty section text and accepts one character', async () => {
    expect((await refusal(send('message', [section('')]))).messages).toContain(
      '[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    );
    await expect(send('message', [section('x')])).resolves.toMatchObject({ ok: true });
  });

  it('requires submit when a modal has an input block', async () => {
    const textInput = input({ type: 'plain_text_input', action_id: 'text' });
    const refused = await refusal(send('modal', modal([textInput], { submit: undefined })));
    expect(refused.messages).toContain(
      '[ERROR] must define submit to use input block [json-pointer:/view/submit]',
    );
    await expect(send('modal', modal([textInput]))).resolves.toMatchObject({ ok: true });
  });

  it('requires a label on every input block', async () => {
    const unlabeled = {
      type: 'input',
      block_id: 'name',
      element: { type: 'plain_text_input', action_id: 'text' },
    };
    const refused = await refusal(send('modal', modal([unlabeled])));
    expect(refused.messages).toContain('[ERROR] missing required field [json-pointer:/view/blocks/0/label]');
  });

  it('requires initial_option to be one of the options', async () => {
    const select = (initial: Json) =>
      modal([
        input({ type: 'static_select', action_id: 'pick', options: options(3), initial_option: initial }),
      ]);
    const refused = await refusal(send('modal', select(option('Option 9', 'v9'))));
    expect(refused.messages).toContain(
      '[ERROR] must match one of the provided options [json-pointer:/view/blocks/0/element/initial_option]',
    );
    await expect(send('modal', select(option('Option 1', 'v1')))).resolves.toMatchObject({ ok: true });

    const checkboxes = (initial: Json[]) =>
      modal([
        input({ type: 'checkboxes', action_id: 'pick', options: options(3), initial_options: initial }),
      ]);
    expect((await refusal(send('modal', checkboxes([option('Option 1', 'other')])))).error).toBe(
      'invalid_arguments',
    );
    await expect(send('modal', checkboxes([option('Option 2', 'v2')]))).resolves.toMatchObject({ ok: true });
  });

  it('requires block_ids to be unique within one message or view, not across them', async () => {
    const twice = [
      { ...section('a'), block_id: 'same' },
      { ...section('b'), block_id: 'same' },
    ];
    expect((await refusal(send('message', twice))).messages).toContain(
      '[ERROR] block_id "same" is already used by another block [json-pointer:/blocks/1/block_id]',
    );
    expect((await refusal(send('modal', modal(twice)))).error).toBe('invalid_arguments');
    await send('message', [twice[0] as Json]);
    await expect(send('message', [twice[0] as Json])).resolves.toMatchObject({ ok: true });
  });

  it('accepts an option value of 76–150 characters but records a warning', async () => {
    const view = modal([
      input({ type: 'static_select', action_id: 'pick', options: [option('Text', x(76))] }),
    ]);
    const answer = await send('modal', view);
    const warning =
      '[WARN] is 76 characters; @slack/types and older clients allow at most 75 [json-pointer:/view/blocks/0/element/options/0/value]';
    expect(answer.response_metadata?.messages).toEqual([warning]);
    expect(fake.warnings).toMatchObject([{ method: 'views.open', message: warning }]);
  });

  it('refuses a view over 250 kB as view_too_large', async () => {
    const big = modal(Array.from({ length: 90 }, () => section(x(2900))));
    expect((await refusal(send('modal', big))).error).toBe('view_too_large');
  });

  it('refuses chat.update with over-limit blocks and leaves the message as it was', async () => {
    const posted = await client.chat.postMessage({
      channel: USER,
      text: 'hi',
      blocks: [section('original')],
    });
    const refused = await refusal(
      client.apiCall('chat.update', { channel: posted.channel, ts: posted.ts, blocks: sections(51) }),
    );
    expect(refused.error).toBe('invalid_blocks');
    expect(fake.messagesTo(USER)[0]).toMatchObject({ blocks: [section('original')], updates: [] });
  });
});
