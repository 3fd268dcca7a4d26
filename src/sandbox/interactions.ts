import type { ViewOutput } from '@slack/bolt';
import type { FakeSlack } from './fake-slack.js';
import { messageJson } from './methods/chat.js';
import {
  type ActionInput,
  type BlockActionsInput,
  blockActionsBody,
  buttonAction,
  eventCallbackBody,
  messageContainer,
  slashCommandBody,
  viewContainer,
  viewSubmissionBody,
} from './payloads.js';
import { FORM_CONTENT_TYPE, JSON_CONTENT_TYPE } from './signing.js';
import {
  type Json,
  stateValue,
  type ViewAnswer,
  type ViewAnswers,
  type ViewStateValues,
} from './view-state.js';

/** A body ready for postSigned, with the trigger and response_url Slack minted for it. */
export interface SignedBodyParts {
  body: string;
  contentType: string;
  triggerId?: string;
  responseUrl?: string;
}

export interface SlashCommandRequest {
  userId: string;
  text?: string;
  command?: string;
  /** Where it was typed; the user's DM with the app by default. */
  channelId?: string;
  /** The workspace the command says it comes from (a Slack Connect partner's), when not this one. */
  teamId?: string;
  enterprise?: { id: string; name: string };
}

export function slashCommand(fake: FakeSlack, request: SlashCommandRequest): SignedBodyParts {
  const user = fake.workspace.user(request.userId);
  const channelId = request.channelId ?? fake.workspace.openDm(user.id).id;
  const channelName = fake.workspace.channels.get(channelId)?.name ?? 'directmessage';
  const triggerId = fake.issueTriggerId(user.id);
  const responseUrl = fake.newResponseUrl({ userId: user.id, channelId });
  const body = slashCommandBody({
    app: request.teamId ? { ...fake.app, teamId: request.teamId } : fake.app,
    ...(request.enterprise ? { enterprise: request.enterprise } : {}),
    command: request.command ?? '/access',
    text: request.text ?? '',
    userId: user.id,
    userName: user.name,
    channelId,
    channelName,
    responseUrl,
    triggerId,
  });
  return { body, contentType: FORM_CONTENT_TYPE, triggerId, responseUrl };
}

export interface BlockActionInput {
  userId: string;
  blockId: string;
  actionId: string;
  /** A button's value is taken from the element unless given; a select's pick is required. */
  value?: ViewAnswer;
  /** Click in a modal or Home tab… */
  viewId?: string;
  /** …or on a message (its ts; the channel is found unless given). */
  messageTs?: string;
  channelId?: string;
}

export function blockAction(fake: FakeSlack, input: BlockActionInput): SignedBodyParts {
  const user = fake.workspace.user(input.userId);
  const actor = { id: user.id, username: user.name, name: user.name };
  if (input.viewId) {
    const stored = fake.workspace.views.get(input.viewId);
    if (!stored) throw new Error(`No view ${input.viewId} in the sandbox.`);
    const view: ViewOutput = stored.view;
    const triggerId = fake.issueTriggerId(user.id, view.type === 'modal' ? view.id : undefined);
    const action = actionFor(view.blocks as unknown as Json[], input);
    const body = blockActionsBody({
      app: fake.app,
      user: actor,
      triggerId,
      actions: [action],
      container: viewContainer(view.id),
      view,
      clock: fake.wallClock,
    });
    return { body, contentType: FORM_CONTENT_TYPE, triggerId };
  }
  if (!input.messageTs) throw new Error('blockAction needs a viewId or a messageTs.');
  const message = fake.workspace.messages.find(
    (candidate) =>
      candidate.ts === input.messageTs && (!input.channelId || candidate.channel === input.channelId),
  );
  if (!message) throw new Error(`No message ${input.messageTs} in the sandbox.`);
  const triggerId = fake.issueTriggerId(user.id);
  const responseUrl = fake.newResponseUrl({ userId: user.id, channelId: message.channel });
  const body = blockActionsBody({
    app: fake.app,
    user: actor,
    triggerId,
    responseUrl,
    actions: [actionFor(message.blocks as unknown as Json[], input)],
    container: messageContainer(message.channel, message.ts),
    channel: {
      id: message.channel,
      name: fake.workspace.channels.get(message.channel)?.name ?? 'directmessage',
    },
    message: messageJson(fake.workspace, message) as BlockActionsInput['message'],
    clock: fake.wallClock,
  });
  return { body, contentType: FORM_CONTENT_TYPE, triggerId, responseUrl };
}

/** The clicked element must exist where the person clicks it: a test cannot press a ghost button. */
function actionFor(blocks: Json[], input: BlockActionInput): ActionInput {
  const block = blocks.find((candidate) => candidate.block_id === input.blockId);
  const elements = block
    ? ([block.element, block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])].filter(
        (element) => typeof element === 'object' && element !== null,
      ) as Json[])
    : [];
  const element = elements.find((candidate) => candidate.action_id === input.actionId);
  if (!element) throw new Error(`No element "${input.actionId}" in block "${input.blockId}".`);
  if (element.type === 'button') {
    const value = input.value ?? (element.value as string | undefined);
    return buttonAction({
      actionId: input.actionId,
      blockId: input.blockId,
      text: (element.text as { text?: string } | undefined)?.text ?? '',
      ...(value === undefined || value === null ? {} : { value: String(value) }),
    });
  }
  return {
    ...stateValue(element, input.value, input.blockId),
    action_id: input.actionId,
    block_id: input.blockId,
  } as unknown as ActionInput;
}

export interface ViewSubmissionRequest {
  userId: string;
  /** The user's open modal by default. */
  viewId?: string;
  answers?: ViewAnswers;
  values?: ViewStateValues;
}

export function viewSubmission(fake: FakeSlack, request: ViewSubmissionRequest): SignedBodyParts {
  const user = fake.workspace.user(request.userId);
  const view = request.viewId ? fake.workspace.views.get(request.viewId)?.view : fake.openModal(user.id);
  if (!view) throw new Error(`No open modal for ${user.id} to submit.`);
  const triggerId = fake.issueTriggerId(user.id, view.id);
  const body = viewSubmissionBody({
    app: fake.app,
    user: { id: user.id, name: user.name },
    view,
    triggerId,
    ...(request.answers ? { answers: request.answers } : {}),
    ...(request.values ? { values: request.values } : {}),
  });
  return { body, contentType: FORM_CONTENT_TYPE, triggerId };
}

export interface EventInput<E> {
  event: E;
  eventId?: string;
}

export function event<E extends { type: string }>(fake: FakeSlack, input: EventInput<E>): SignedBodyParts {
  const body = eventCallbackBody({
    app: fake.app,
    event: input.event,
    ...(input.eventId ? { eventId: input.eventId } : {}),
    clock: fake.wallClock,
    botUserId: fake.workspace.bot.userId,
  });
  return { body, contentType: JSON_CONTENT_TYPE };
}
