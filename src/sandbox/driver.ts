import type { ViewOutput } from '@slack/bolt';
import { stepShownBy, type WizardStep } from '../../views/admin/wizard/navigation.js';
import { CALLBACK } from '../../views/ids.js';
import type { GatehouseSandbox } from './gatehouse-sandbox.js';
import { blockActionsBody, buttonAction } from './payloads.js';
import { FORM_CONTENT_TYPE } from './signing.js';
import type { PostedMessage } from './workspace.js';

/**
 * Drives the sandbox the way a person drives Slack: submit a modal as Slack would, find the
 * card in a DM and press its button, click a button of an ephemeral answer. Shared by the Slack
 * tests and `npm run demo`, so the demo plays exactly what the tests check. A step that cannot
 * be taken (no such modal, button or option) throws a DriverError saying what was missing.
 */

type Json = Record<string, unknown>;
export type Answer = string | string[] | null;

export class DriverError extends Error {
  override readonly name = 'DriverError';
}

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new DriverError(`Expected ${what}, found none.`);
  return value;
}

/**
 * What Slack would submit for an untouched modal: every input's initial value. (The sandbox
 * submits only the answers it is given; Slack sends the initial values too.)
 */
export function initialAnswers(view: ViewOutput): Record<string, Answer> {
  const answers: Record<string, Answer> = {};
  for (const block of view.blocks as unknown as Json[]) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const e = (block.element ?? {}) as Json;
    const values = (list: unknown) => ((list as { value: string }[] | undefined) ?? []).map((o) => o.value);
    switch (e.type) {
      case 'plain_text_input':
      case 'number_input':
        if (typeof e.initial_value === 'string') answers[block.block_id] = e.initial_value;
        break;
      case 'static_select':
      case 'radio_buttons':
        if (e.initial_option) answers[block.block_id] = (e.initial_option as { value: string }).value;
        break;
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes':
        answers[block.block_id] = values(e.initial_options);
        break;
      case 'multi_users_select':
        answers[block.block_id] = (e.initial_users as string[] | undefined) ?? [];
        break;
      case 'multi_conversations_select':
        answers[block.block_id] = (e.initial_conversations as string[] | undefined) ?? [];
        break;
      case 'datepicker':
        if (typeof e.initial_date === 'string') answers[block.block_id] = e.initial_date;
        break;
    }
  }
  return answers;
}

/** The package wizard open for the user, and the step it shows (the draft itself is in the store). */
export function wizardOf(s: GatehouseSandbox, userId: string): { view: ViewOutput; step: WizardStep } {
  const view = must(s.fake.openModal(userId), `a modal open for ${userId}`);
  if (view.callback_id !== CALLBACK.packageWizard) {
    throw new DriverError(`Expected the package wizard open for ${userId}, found "${view.callback_id}".`);
  }
  const step = must(stepShownBy(view), 'a wizard step (its "Step n of 6" line)');
  return { view, step };
}

/** Submits the wizard's current step as Slack would: its initial values, with these answers on top. */
export async function submitStep(s: GatehouseSandbox, userId: string, answers: Record<string, Answer> = {}) {
  const { view } = wizardOf(s, userId);
  return s.submit({ userId, answers: { ...initialAnswers(view), ...answers } });
}

/** The value of the option shown as `text` in the input `blockId` of the open modal. */
export function optionValue(view: ViewOutput, blockId: string, text: string): string {
  const block = (view.blocks as unknown as Json[]).find((b) => b.block_id === blockId);
  const options = ((block?.element as Json | undefined)?.options ?? []) as {
    text: { text: string };
    value: string;
  }[];
  const option = options.find((o) => o.text.text === text);
  if (!option) throw new DriverError(`No option "${text}" in ${blockId}.`);
  return option.value;
}

/** Every mrkdwn and plain text of some blocks, joined: what the person reads. */
export function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (typeof value !== 'object' || value === null) return '';
  const json = value as Json;
  if ((json.type === 'mrkdwn' || json.type === 'plain_text') && typeof json.text === 'string')
    return json.text;
  return Object.values(json).map(textOf).join('\n');
}

/** The single answer of an ephemeral command, as text. */
export async function commandText(s: GatehouseSandbox, userId: string, text: string): Promise<string> {
  const { replies } = await s.command(userId, text);
  if (replies.length !== 1) {
    throw new DriverError(`Expected one answer to "/access ${text}", got ${replies.length}.`);
  }
  return textOf(replies[0]!.blocks ?? []) || replies[0]!.text;
}

/** Every element (buttons, selects) of some blocks, with the block it sits in. */
export function elementsOf(blocks: unknown): { blockId: string | undefined; element: Json }[] {
  const found: { blockId: string | undefined; element: Json }[] = [];
  for (const block of (blocks ?? []) as Json[]) {
    const candidates = [
      block.accessory,
      block.element,
      ...(Array.isArray(block.elements) ? block.elements : []),
    ];
    for (const element of candidates) {
      if (element && typeof element === 'object' && 'action_id' in (element as Json)) {
        found.push({ blockId: block.block_id as string | undefined, element: element as Json });
      }
    }
  }
  return found;
}

export function buttonsOf(blocks: unknown): Json[] {
  return elementsOf(blocks)
    .map((e) => e.element)
    .filter((e) => e.type === 'button');
}

/** The value of the `actionId` button in the block whose text mentions `text` (a list's row). */
export function buttonBeside(blocks: unknown, text: string, actionId: string): string {
  for (const block of (blocks ?? []) as Json[]) {
    if (!textOf(block.text).includes(text)) continue;
    const found = elementsOf([block]).find((e) => e.element.action_id === actionId);
    if (found) return String(found.element.value);
  }
  throw new DriverError(`No ${actionId} button beside "${text}".`);
}

/** The first DM to the user whose blocks mention `text` (a request card), as it is now. */
export function cardFor(s: GatehouseSandbox, userId: string, text: string): PostedMessage {
  const card = s.fake
    .messagesTo(userId)
    .filter((m) => JSON.stringify(m.blocks).includes(text))
    .at(0);
  return must(card, `a card for ${text} in ${userId}'s DM`);
}

/** The block holding a button of the message, for s.click. */
export function buttonBlock(message: PostedMessage, actionId: string): string {
  const found = elementsOf(message.blocks).find((e) => e.element.action_id === actionId);
  return must(found?.blockId, `a ${actionId} button`);
}

/**
 * A click on a button or select of an ephemeral reply (those live only in the person's client,
 * so the sandbox has no message to find): the element must be in the reply. Returns the
 * response_url the app answers on.
 */
export async function clickEphemeral(
  s: GatehouseSandbox,
  input: { userId: string; reply: { blocks?: unknown[] }; actionId: string; value?: string; pick?: string },
): Promise<{ status: number; responseUrl: string }> {
  const match = must(
    elementsOf(input.reply.blocks).find(
      (e) =>
        e.element.action_id === input.actionId &&
        (input.value === undefined || e.element.value === input.value),
    ),
    `an element ${input.actionId} in the reply`,
  );
  const { element, blockId = 'generated' } = match;
  const responseUrl = s.fake.newResponseUrl({ userId: input.userId });
  const option = (element.options as Json[] | undefined)?.find((o) => o.value === input.pick);
  if (element.type !== 'button') must(option, `option ${input.pick}`);
  const action =
    element.type === 'button'
      ? buttonAction({ actionId: input.actionId, blockId, value: String(element.value) })
      : { type: String(element.type), action_id: input.actionId, block_id: blockId, selected_option: option };
  const body = blockActionsBody({
    app: s.fake.app,
    user: { id: input.userId, username: input.userId.toLowerCase() },
    triggerId: s.fake.issueTriggerId(input.userId),
    responseUrl,
    actions: [action as never],
    container: { type: 'message', message_ts: '1.000001', channel_id: 'D0EPHEMERAL', is_ephemeral: true },
  });
  const response = await s.send({ body, contentType: FORM_CONTENT_TYPE });
  await s.idle();
  return { status: response.status, responseUrl };
}

/** The person opens the Home tab of the app (Slack sends the view it shows, if any). */
export async function openHome(s: GatehouseSandbox, userId: string): Promise<ViewOutput> {
  const shown = s.fake.homeView(userId);
  await s.event({
    type: 'app_home_opened',
    user: userId,
    channel: s.fake.workspace.openDm(userId).id,
    tab: 'home',
    event_ts: `${s.fake.wallClock.now().getTime() / 1000}`,
    ...(shown ? { view: shown } : {}),
  });
  return must(s.fake.homeView(userId), `a Home view published for ${userId}`);
}

/** The ephemeral answers posted to a response_url. */
export function answersAt(s: GatehouseSandbox, url: string): Json[] {
  return s.fake.responses(url).map((r) => r.body as Json);
}
