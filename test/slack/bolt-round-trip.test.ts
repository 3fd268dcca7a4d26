import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appHomeOpenedEvent } from '../../src/sandbox/event-payloads.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import { postSigned } from '../../src/sandbox/signing.js';
import { quietSlackLogger } from './support.js';

const SECRET = 'sandbox-signing-secret';
const plain = (text: string) => ({ type: 'plain_text' as const, text });

/**
 * The sandbox's bodies must be what Bolt 5 parses, and its Web API what Bolt's client calls:
 * a real App, over HTTP, both ways.
 */
describe('fake Slack with a real Bolt app', () => {
  const fake = new FakeSlack({ seed: woodgroveSeed(), rateLimits: false });
  let app: App;
  let server: Server;
  let eventsUrl: string;

  beforeAll(async () => {
    await fake.start();
    const receiver = new HTTPReceiver({ signingSecret: SECRET, logger: quietSlackLogger });
    app = new App({
      token: SANDBOX_BOT_TOKEN,
      receiver,
      logger: quietSlackLogger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/access', async ({ ack, body, client, respond }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: `You asked: ${body.text}` });
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'request_access',
          title: plain('Request access'),
          submit: plain('Request'),
          blocks: [
            {
              type: 'input',
              block_id: 'justification',
              label: plain('Business justification'),
              element: { type: 'plain_text_input', action_id: 'value' },
            },
          ],
        },
      });
    });
    app.view('request_access', async ({ ack, view }) => {
      const justification = view.state.values.justification?.value?.value;
      if (!justification)
        await ack({ response_action: 'errors', errors: { justification: 'Say why you need it.' } });
      else await ack();
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'My Access' } }] },
      });
    });
    server = await app.start(0);
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
    await fake.stop();
  });

  it('runs a slash command: modal opened with its trigger, answer sent to the response_url', async () => {
    const command = fake.slashCommand({ userId: WOODGROVE.requestor, text: 'request Marketing Campaign' });
    // The listener goes on after its ack: it answers, then opens the modal (its last step).
    const opened = fake.callsMade(1, (call) => call.method === 'views.open');
    const response = await postSigned(eventsUrl, command.body, command.contentType, { secret: SECRET });
    expect(response.status).toBe(200);
    await opened;
    expect(fake.responses(command.responseUrl)).toHaveLength(1);
    expect(fake.responses(command.responseUrl)[0]?.body).toMatchObject({
      text: 'You asked: request Marketing Campaign',
    });
    expect(fake.openModal(WOODGROVE.requestor)?.callback_id).toBe('request_access');
  });

  it('answers a submission with field errors, then closes it when filled in', async () => {
    const empty = fake.viewSubmission({ userId: WOODGROVE.requestor });
    const refused = await postSigned(eventsUrl, empty.body, empty.contentType, { secret: SECRET });
    const viewId = fake.openModal(WOODGROVE.requestor)?.id as string;
    expect(fake.applyViewSubmissionAck(viewId, await refused.json())).toEqual({
      outcome: 'errors',
      errors: { justification: 'Say why you need it.' },
    });

    const filled = fake.viewSubmission({
      userId: WOODGROVE.requestor,
      answers: { justification: 'New campaign' },
    });
    const accepted = await postSigned(eventsUrl, filled.body, filled.contentType, { secret: SECRET });
    expect(accepted.status).toBe(200);
    expect(fake.applyViewSubmissionAck(viewId, await accepted.text())).toEqual({ outcome: 'closed' });
  });

  it('delivers an event that makes the app publish the Home tab', async () => {
    const delivery = fake.event({
      event: appHomeOpenedEvent({ user: WOODGROVE.requestor, channel: 'D0REQUESTOR1', eventTs: '1.1' }),
    });
    const published = fake.callsMade(1, (call) => call.method === 'views.publish');
    await postSigned(eventsUrl, delivery.body, delivery.contentType, { secret: SECRET });
    await published;
    expect(fake.homeView(WOODGROVE.requestor)?.blocks).toHaveLength(1);
  });

  it('is refused by Bolt when signed with another secret', async () => {
    const command = fake.slashCommand({ userId: WOODGROVE.requestor, text: 'help' });
    const response = await postSigned(eventsUrl, command.body, command.contentType, { secret: 'wrong' });
    expect(response.status).toBe(401);
  });
});
