import { randomBytes } from 'node:crypto';
import type {
  BlockAction,
  BlockElementAction,
  ButtonAction,
  EnvelopedEvent,
  SlashCommand,
  ViewOutput,
  ViewResponseUrl,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';
import { type Clock, systemClock } from '../clock.js';
import { stateValuesFor, type ViewAnswers, type ViewStateValues } from './view-state.js';

/** Who the requests come from: the workspace and the installed app. */
export interface AppIdentity {
  teamId: string;
  teamDomain: string;
  apiAppId: string;
  /** The deprecated verification token Slack still puts in every payload. */
  verificationToken: string;
}

export const SANDBOX_APP: AppIdentity = {
  teamId: 'T0SANDBOX',
  teamDomain: 'gatehouse-sandbox',
  apiAppId: 'A0GATEHOUSE',
  verificationToken: 'sandbox-verification-token',
};

/** `application/x-www-form-urlencoded`, fields in the given order, spaces as `+` like Slack. */
export function formEncode(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([key, value]) => `${encodeFormPart(key)}=${encodeFormPart(value)}`).join('&');
}

function encodeFormPart(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

// ---------------------------------------------------------------- slash commands

export interface SlashCommandInput {
  app?: AppIdentity;
  command?: string;
  text?: string;
  userId: string;
  userName: string;
  channelId: string;
  channelName: string;
  responseUrl: string;
  triggerId: string;
  /** null leaves api_app_id out, as in Slack's older documented examples. */
  apiAppId?: string | null;
  enterprise?: { id: string; name: string };
  isEnterpriseInstall?: boolean;
}

export function slashCommandPayload(input: SlashCommandInput): SlashCommand {
  const app = input.app ?? SANDBOX_APP;
  const apiAppId = input.apiAppId === undefined ? app.apiAppId : input.apiAppId;
  const payload: Record<string, string> = {
    token: app.verificationToken,
    team_id: app.teamId,
    team_domain: app.teamDomain,
  };
  if (input.enterprise) {
    payload.enterprise_id = input.enterprise.id;
    payload.enterprise_name = input.enterprise.name;
  }
  Object.assign(payload, {
    channel_id: input.channelId,
    channel_name: input.channelName,
    user_id: input.userId,
    user_name: input.userName,
    command: input.command ?? '/access',
    text: input.text ?? '',
  });
  if (apiAppId !== null) payload.api_app_id = apiAppId;
  if (input.isEnterpriseInstall !== undefined)
    payload.is_enterprise_install = String(input.isEnterpriseInstall);
  payload.response_url = input.responseUrl;
  payload.trigger_id = input.triggerId;
  return payload as SlashCommand;
}

/** The exact form body Slack POSTs for a slash command. */
export function slashCommandBody(input: SlashCommandInput): string {
  return formEncode(Object.entries(slashCommandPayload(input)));
}

// ---------------------------------------------------------------- interactivity

type WithoutActionTs<A> = A extends BlockElementAction
  ? Omit<A, 'action_ts'> & { action_ts?: string }
  : never;
export type ActionInput = WithoutActionTs<BlockElementAction>;

/** Modal and Home tab clicks carry no response_url; message clicks do. */
export type BlockActionsPayload = Omit<BlockAction, 'response_url'> & { response_url?: string };

export interface BlockActionsInput {
  app?: AppIdentity;
  user: { id: string; username: string; name?: string };
  triggerId: string;
  actions: ActionInput[];
  container: Record<string, unknown>;
  responseUrl?: string;
  channel?: { id: string; name: string };
  message?: BlockAction['message'];
  view?: ViewOutput;
  state?: { values: ViewStateValues };
  /** Stamps action_ts; the wall clock by default. */
  clock?: Clock;
}

export function blockActionsPayload(input: BlockActionsInput): BlockActionsPayload {
  const app = input.app ?? SANDBOX_APP;
  const actionTs = slackTs(input.clock ?? systemClock);
  const payload: BlockActionsPayload = {
    type: 'block_actions',
    user: { ...input.user, team_id: app.teamId },
    api_app_id: app.apiAppId,
    token: app.verificationToken,
    container: input.container,
    trigger_id: input.triggerId,
    team: { id: app.teamId, domain: app.teamDomain },
    is_enterprise_install: false,
    actions: input.actions.map((action) => ({ action_ts: actionTs, ...action }) as BlockElementAction),
  };
  if (input.channel) payload.channel = input.channel;
  if (input.message) payload.message = input.message;
  if (input.view) payload.view = input.view;
  if (input.state ?? input.view) payload.state = input.state ?? { values: input.view?.state.values ?? {} };
  if (input.responseUrl) payload.response_url = input.responseUrl;
  return payload;
}

/** `payload=<JSON>`: the form body Slack POSTs for a click. */
export function blockActionsBody(input: BlockActionsInput): string {
  return formEncode([['payload', JSON.stringify(blockActionsPayload(input))]]);
}

export function buttonAction(input: {
  actionId: string;
  blockId: string;
  value?: string;
  text?: string;
}): WithoutActionTs<ButtonAction> {
  const action: WithoutActionTs<ButtonAction> = {
    type: 'button',
    action_id: input.actionId,
    block_id: input.blockId,
    text: { type: 'plain_text', text: input.text ?? input.actionId, emoji: true },
  };
  if (input.value !== undefined) action.value = input.value;
  return action;
}

export function messageContainer(channelId: string, messageTs: string): Record<string, unknown> {
  return { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false };
}

export function viewContainer(viewId: string): Record<string, unknown> {
  return { type: 'view', view_id: viewId };
}

export interface ViewSubmissionInput {
  app?: AppIdentity;
  user: { id: string; name: string };
  /** The view as Slack holds it (FakeSlack.lastView gives it). */
  view: ViewOutput;
  /** Simple answers by input block_id, turned into state.values for each element type. */
  answers?: ViewAnswers;
  /** Or the state values exactly; they win over `answers`. */
  values?: ViewStateValues;
  triggerId: string;
  responseUrls?: ViewResponseUrl[];
}

export function viewSubmissionPayload(input: ViewSubmissionInput): ViewSubmitAction {
  const app = input.app ?? SANDBOX_APP;
  const values = input.values ?? stateValuesFor(input.view, input.answers ?? {});
  return {
    type: 'view_submission',
    team: { id: app.teamId, domain: app.teamDomain },
    user: { id: input.user.id, name: input.user.name, team_id: app.teamId },
    api_app_id: app.apiAppId,
    token: app.verificationToken,
    trigger_id: input.triggerId,
    view: { ...input.view, state: { values } },
    response_urls: input.responseUrls ?? [],
    is_enterprise_install: false,
  };
}

export function viewSubmissionBody(input: ViewSubmissionInput): string {
  return formEncode([['payload', JSON.stringify(viewSubmissionPayload(input))]]);
}

export type { ViewAnswers, ViewStateValue, ViewStateValues };

// ---------------------------------------------------------------- Events API

export interface EventCallbackInput<E> {
  app?: AppIdentity;
  event: E;
  eventId?: string;
  /** Stamps event_time; the wall clock by default. */
  clock?: Clock;
  /** The bot user the event is delivered to. */
  botUserId?: string;
}

export function eventCallbackEnvelope<E extends { type: string }>(
  input: EventCallbackInput<E>,
): EnvelopedEvent<E> {
  const app = input.app ?? SANDBOX_APP;
  const envelope: EnvelopedEvent<E> = {
    token: app.verificationToken,
    team_id: app.teamId,
    context_team_id: app.teamId,
    api_app_id: app.apiAppId,
    event: input.event,
    type: 'event_callback',
    event_id: input.eventId ?? newEventId(),
    event_time: Math.floor((input.clock ?? systemClock).now().getTime() / 1000),
    is_ext_shared_channel: false,
  };
  if (input.botUserId) {
    envelope.authorizations = [
      {
        enterprise_id: null,
        team_id: app.teamId,
        user_id: input.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ];
  }
  return envelope;
}

/** The JSON body of an Events API delivery (Content-Type: application/json). */
export function eventCallbackBody<E extends { type: string }>(input: EventCallbackInput<E>): string {
  return JSON.stringify(eventCallbackEnvelope(input));
}

export function urlVerificationBody(challenge: string, app: AppIdentity = SANDBOX_APP): string {
  return JSON.stringify({ token: app.verificationToken, challenge, type: 'url_verification' });
}

export function newEventId(): string {
  return `Ev${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** A Slack `ts`: seconds with six decimals. */
export function slackTs(clock: Clock): string {
  return (clock.now().getTime() / 1000).toFixed(6);
}
