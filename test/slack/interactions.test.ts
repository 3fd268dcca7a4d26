import type { BlockAction, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { appHomeOpenedEvent } from '../../src/sandbox/event-payloads.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, urlVerificationBody } from '../../src/sandbox/signing.js';
import { refusal, useFakeWorkspace } from './support.js';

const { fake, wall, client } = useFakeWorkspace();

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (text: string, value: string) => ({ text: plain(text), value });

function formPayload<T>(body: string): T {
  return JSON.parse(new URLSearchParams(body).get('payload') as string) as T;
}

const requestModal = {
  type: 'modal' as const,
  callback_id: 'request_access',
  title: plain('Request access'),
  submit: plain('Submit'),
  private_metadata: '{"packageId":7}',
  blocks: [
    {
      type: 'section' as const,
      block_id: 'intro',
      text: { type: 'mrkdwn' as const, text: 'Marketing Campaign' },
    },
    {
      type: 'input' as const,
      block_id: 'justification',
      label: plain('Business justification'),
      element: { type: 'plain_text_input' as const, action_id: 'value', multiline: true },
    },
    {
      type: 'input' as const,
      block_id: 'policy',
      label: plain('Policy'),
      element: {
        type: 'static_select' as const,
        action_id: 'value',
        options: [option('Initial policy', 'p1'), option('Contractors', 'p2')],
      },
    },
    {
      type: 'input' as const,
      block_id: 'approvers',
      label: plain('Approvers'),
      optional: true,
      element: { type: 'multi_users_select' as const, action_id: 'value' },
    },
    {
      type: 'input' as const,
      block_id: 'start_date',
      label: plain('Start'),
      optional: true,
      element: { type: 'datepicker' as const, action_id: 'value' },
    },
  ],
};

describe('fake Slack: what Slack sends the app', () => {
  it('builds a slash command whose trigger opens a modal and whose response_url records answers', async () => {
    const command = fake.slashCommand({ userId: WOODGROVE.requestor, text: 'request Marketing Campaign' });
    expect(command.contentType).toBe(FORM_CONTENT_TYPE);
    const fields = Object.fromEntries(new URLSearchParams(command.body)) as SlashCommand;
    expect(fields).toMatchObject({
      command: '/access',
      text: 'request Marketing Campaign',
      user_id: WOODGROVE.requestor,
      user_name: 'requestor1',
      team_id: 'T0WOODGROVE',
      team_domain: 'woodgrove',
      channel_id: 'D0REQUESTOR1',
      channel_name: 'directmessage',
      api_app_id: fake.workspace.bot.appId,
      trigger_id: command.triggerId,
      response_url: command.responseUrl,
    });
    expect(command.body).toContain('text=request+Marketing+Campaign');

    await client.views.open({ trigger_id: command.triggerId as string, view: requestModal });
    expect(fake.openModal(WOODGROVE.requestor)?.callback_id).toBe('request_access');

    const answer = await fetch(command.responseUrl as string, {
      method: 'POST',
      headers: { 'Content-Type': JSON_CONTENT_TYPE },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'Requested.' }),
    });
    expect(answer.status).toBe(200);
    expect(fake.responses(command.responseUrl)).toMatchObject([
      { body: { response_type: 'ephemeral', text: 'Requested.' }, context: { userId: WOODGROVE.requestor } },
    ]);
  });

  it('refuses a sixth answer on one response_url and any answer after 30 minutes', async () => {
    const { responseUrl } = fake.slashCommand({ userId: WOODGROVE.admin, channelId: WOODGROVE.general });
    const post = () => fetch(responseUrl as string, { method: 'POST', body: '{"text":"x"}' });
    for (let i = 0; i < 5; i += 1) expect((await post()).status).toBe(200);
    const sixth = await post();
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);

    const later = fake.slashCommand({ userId: WOODGROVE.admin }).responseUrl as string;
    wall.advanceSeconds(30 * 60 + 1);
    const expired = await fetch(later, { method: 'POST', body: '{}' });
    expect([expired.status, await expired.text()]).toEqual([404, 'expired_url']);
  });

  it('submits the open modal with state.values shaped per element, unanswered inputs included', async () => {
    await client.views.open({ trigger_id: fake.issueTriggerId(WOODGROVE.requestor), view: requestModal });
    const submission = fake.viewSubmission({
      userId: WOODGROVE.requestor,
      answers: {
        justification: 'New campaign',
        policy: 'p2',
        approvers: [WOODGROVE.admin, WOODGROVE.approver],
      },
    });
    const payload = formPayload<ViewSubmitAction>(submission.body);
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: WOODGROVE.requestor, name: 'requestor1' },
      trigger_id: submission.triggerId,
      view: { callback_id: 'request_access', private_metadata: '{"packageId":7}', team_id: 'T0WOODGROVE' },
    });
    expect(payload.view.state.values).toEqual({
      justification: { value: { type: 'plain_text_input', value: 'New campaign' } },
      policy: {
        value: { type: 'static_select', selected_option: { text: plain('Contractors'), value: 'p2' } },
      },
      approvers: {
        value: { type: 'multi_users_select', selected_users: [WOODGROVE.admin, WOODGROVE.approver] },
      },
      start_date: { value: { type: 'datepicker', selected_date: null } },
    });
  });

  it('refuses to build answers for fields or options the modal does not have', async () => {
    await client.views.open({ trigger_id: fake.issueTriggerId(WOODGROVE.requestor), view: requestModal });
    expect(() => fake.viewSubmission({ userId: WOODGROVE.requestor, answers: { intro: 'x' } })).toThrow(
      'has no input block "intro"',
    );
    expect(() => fake.viewSubmission({ userId: WOODGROVE.requestor, answers: { policy: 'p9' } })).toThrow(
      'no option with value "p9"',
    );
    expect(() => fake.viewSubmission({ userId: WOODGROVE.admin })).toThrow('No open modal');
  });

  it('clicks a message button: its value, the message, a response_url, and a trigger that cannot push', async () => {
    const posted = await client.chat.postMessage({
      channel: WOODGROVE.admin,
      text: 'R-1001 waits for you',
      blocks: [
        {
          type: 'actions',
          block_id: 'decision',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              text: plain('Approve'),
              value: 'R-1001',
              style: 'primary',
            },
            { type: 'button', action_id: 'deny', text: plain('Deny'), value: 'R-1001', style: 'danger' },
          ],
        },
      ],
    });
    const click = fake.blockAction({
      userId: WOODGROVE.admin,
      messageTs: posted.ts as string,
      blockId: 'decision',
      actionId: 'approve',
    });
    const payload = formPayload<BlockAction>(click.body);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: WOODGROVE.admin, username: 'admin1' },
      actions: [
        {
          type: 'button',
          action_id: 'approve',
          block_id: 'decision',
          value: 'R-1001',
          text: plain('Approve'),
        },
      ],
      container: { type: 'message', message_ts: posted.ts, channel_id: posted.channel },
      channel: { id: posted.channel },
      message: { ts: posted.ts, text: 'R-1001 waits for you' },
      response_url: click.responseUrl,
    });
    expect(payload.actions[0]?.action_ts).toMatch(/^\d+\.\d{6}$/);
    expect(() =>
      fake.blockAction({
        userId: WOODGROVE.admin,
        messageTs: posted.ts as string,
        blockId: 'decision',
        actionId: 'maybe',
      }),
    ).toThrow('No element "maybe"');

    const pushed = await refusal(
      client.views.push({ trigger_id: click.triggerId as string, view: requestModal }),
    );
    expect(pushed.error).toBe('invalid_trigger_id');
  });

  it('clicks inside a modal: the view comes along and the trigger may push', async () => {
    const opened = await client.views.open({
      trigger_id: fake.issueTriggerId(WOODGROVE.admin),
      view: {
        type: 'modal',
        title: plain('Package'),
        blocks: [
          {
            type: 'section',
            block_id: 'roles',
            text: { type: 'mrkdwn', text: 'Add a resource role' },
            accessory: {
              type: 'static_select',
              action_id: 'resource',
              options: [option('Marketing resources', 'S0MARKETING')],
            },
          },
        ],
      },
    });
    const click = fake.blockAction({
      userId: WOODGROVE.admin,
      viewId: opened.view?.id as string,
      blockId: 'roles',
      actionId: 'resource',
      value: 'S0MARKETING',
    });
    const payload = formPayload<BlockAction>(click.body);
    expect(payload.actions[0]).toMatchObject({
      type: 'static_select',
      selected_option: { value: 'S0MARKETING', text: plain('Marketing resources') },
    });
    expect(payload.view?.id).toBe(opened.view?.id);
    expect(payload.response_url).toBeUndefined();
    await expect(
      client.views.push({ trigger_id: click.triggerId as string, view: requestModal }),
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  it('applies a view_submission ack as Slack would', async () => {
    const open = async () =>
      (await client.views.open({ trigger_id: fake.issueTriggerId(WOODGROVE.requestor), view: requestModal }))
        .view?.id as string;

    let id = await open();
    expect(
      fake.applyViewSubmissionAck(id, { response_action: 'errors', errors: { justification: 'Say why.' } }),
    ).toEqual({
      outcome: 'errors',
      errors: { justification: 'Say why.' },
    });
    expect(
      fake.applyViewSubmissionAck(id, { response_action: 'errors', errors: { intro: 'x' } }),
    ).toMatchObject({
      outcome: 'refused',
    });
    const tooLong = { ...requestModal, title: plain('A title far too long for a modal') };
    expect(fake.applyViewSubmissionAck(id, { response_action: 'update', view: tooLong })).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining('[json-pointer:/view/title/text]'),
    });
    expect(fake.applyViewSubmissionAck(id, { response_action: 'update', view: requestModal })).toMatchObject({
      outcome: 'updated',
    });
    expect(fake.applyViewSubmissionAck(id, undefined)).toEqual({ outcome: 'closed' });
    expect(fake.openModal(WOODGROVE.requestor)).toBeUndefined();
    expect((await refusal(client.views.update({ view_id: id, view: requestModal }))).error).toBe('not_found');

    id = await open();
    expect(fake.applyViewSubmissionAck(id, { response_action: 'push', view: requestModal })).toMatchObject({
      outcome: 'pushed',
    });
    expect(fake.applyViewSubmissionAck(id, {})).toMatchObject({ outcome: 'refused' });
    expect(
      fake.applyViewSubmissionAck(fake.openModal(WOODGROVE.requestor)?.id as string, {
        response_action: 'clear',
      }),
    ).toEqual({
      outcome: 'cleared',
    });
    expect(fake.workspace.modalStack(WOODGROVE.requestor)).toEqual([]);
  });

  it('builds Events API envelopes and the URL verification challenge', () => {
    const delivery = fake.event({
      event: appHomeOpenedEvent({ user: WOODGROVE.requestor, channel: 'D0REQUESTOR1' }),
    });
    expect(delivery.contentType).toBe(JSON_CONTENT_TYPE);
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'event_callback',
      team_id: 'T0WOODGROVE',
      api_app_id: fake.workspace.bot.appId,
      event_id: expect.stringMatching(/^Ev[0-9A-F]{12}$/),
      event_time: Math.floor(wall.now().getTime() / 1000),
      event: { type: 'app_home_opened', tab: 'home' },
      authorizations: [{ user_id: fake.workspace.bot.userId, is_bot: true }],
    });
    expect(
      JSON.parse(urlVerificationBody('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')),
    ).toMatchObject({
      type: 'url_verification',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });
});
