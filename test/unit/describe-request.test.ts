import { describe, expect, it } from 'vitest';
import { describeSlackRequest } from '../../src/slack/observe/describe.js';
import { ACTION, CALLBACK } from '../../views/ids.js';

const command = (text: string, extra: Record<string, unknown> = {}) => ({
  command: '/access',
  text,
  user_id: 'U0ALICE',
  token: 'verification',
  ...extra,
});
const click = (actionId: string, value?: string) => ({
  type: 'block_actions',
  user: { id: 'U0BOB' },
  actions: [{ action_id: actionId, block_id: 'b', ...(value === undefined ? {} : { value }) }],
});

describe('what an incoming Slack request is', () => {
  it('a command: the routed sub-command, the user, an R-… id the words name', () => {
    expect(describeSlackRequest(command('list'))).toEqual({
      kind: 'command',
      id: 'list',
      slackUser: 'U0ALICE',
    });
    expect(describeSlackRequest(command('package new'))).toMatchObject({ id: 'package new' });
    expect(describeSlackRequest(command('cancel R-1042'))).toEqual({
      kind: 'command',
      id: 'cancel',
      slackUser: 'U0ALICE',
      gatehouseRequest: 'R-1042',
    });
    expect(describeSlackRequest(command('what is this'))).toMatchObject({ id: 'help' });
    expect(describeSlackRequest(command('list', { command: '/other' }))).toMatchObject({ id: 'other' });
  });

  it('a click: the action id; Approve, Deny and Cancel name their request', () => {
    expect(describeSlackRequest(click(ACTION.approveRequest, '1042:2'))).toEqual({
      kind: 'action',
      id: ACTION.approveRequest,
      slackUser: 'U0BOB',
      gatehouseRequest: 'R-1042',
    });
    expect(describeSlackRequest(click(ACTION.cancelRequest, '7'))).toMatchObject({ gatehouseRequest: 'R-7' });
    expect(describeSlackRequest(click(ACTION.retryDelivery, '7'))).toEqual({
      kind: 'action',
      id: ACTION.retryDelivery,
      slackUser: 'U0BOB',
    });
    // Ids the app does not know never become labels.
    expect(describeSlackRequest(click('made_up_id_123'))).toEqual({
      kind: 'action',
      id: 'other',
      slackUser: 'U0BOB',
    });
  });

  it('a view submission: the callback id; the reason modal names its request', () => {
    const submission = (callbackId: string, metadata = '') => ({
      type: 'view_submission',
      user: { id: 'U0CAROL' },
      view: { callback_id: callbackId, private_metadata: metadata, state: { values: {} } },
    });
    expect(
      describeSlackRequest(
        submission(CALLBACK.decisionReason, JSON.stringify({ requestId: 12, stage: 1, decision: 'deny' })),
      ),
    ).toEqual({ kind: 'view', id: CALLBACK.decisionReason, slackUser: 'U0CAROL', gatehouseRequest: 'R-12' });
    expect(describeSlackRequest(submission(CALLBACK.requestAccess))).toEqual({
      kind: 'view',
      id: CALLBACK.requestAccess,
      slackUser: 'U0CAROL',
    });
    expect(describeSlackRequest(submission('nope'))).toMatchObject({ id: 'other' });
  });

  it('an event: its type, its user, Slack’s event id', () => {
    expect(
      describeSlackRequest({
        type: 'event_callback',
        event_id: 'Ev01',
        event: { type: 'app_home_opened', user: 'U0DAN', tab: 'home' },
      }),
    ).toEqual({ kind: 'event', id: 'app_home_opened', slackUser: 'U0DAN', slackEventId: 'Ev01' });
    expect(
      describeSlackRequest({ type: 'event_callback', event: { type: 'user_change', user: { id: 'U0EVE' } } }),
    ).toEqual({ kind: 'event', id: 'user_change', slackUser: 'U0EVE' });
  });

  it('anything else is `other`', () => {
    expect(describeSlackRequest({ type: 'url_verification', challenge: 'x' })).toEqual({
      kind: 'other',
      id: 'other',
    });
    expect(describeSlackRequest(null)).toEqual({ kind: 'other', id: 'other' });
  });
});
