import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockElementAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewOutput,
  ViewSubmitAction,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import {
  type ActionInput,
  blockActionsPayload,
  messageContainer,
  SANDBOX_APP,
  slashCommandPayload,
  viewContainer,
  viewSubmissionPayload,
} from './payloads.js';
import { stateValuesFor, type ViewAnswers, type ViewStateValues } from './view-state.js';

/**
 * The arguments a Bolt listener is called with, built without a server, a signature or a
 * database — in the spirit of bolt-js's own tests (`createDummyViewSubmissionMiddlewareArgs`,
 * `createDummyBlockActionEventMiddlewareArgs` …): the payload Slack would send (the same
 * builders as FakeSlack's signed requests, so both paths agree), and `ack`, `respond` and a
 * `client` that record what the listener gave them. For unit tests of listeners and of what they
 * parse; the whole path over HTTP stays with FakeSlack and GatehouseSandbox.
 */

/** Who and where, unless a test says otherwise. */
export const DUMMY = {
  userId: 'U0DUMMY001',
  userName: 'dummy.person',
  channelId: 'D0DUMMY001',
  triggerId: '1000.dummy.trigger',
  viewId: 'V0DUMMY001',
  messageTs: '1767600000.000100',
  responseUrl: 'https://hooks.slack.invalid/actions/T0SANDBOX/1/dummy',
} as const;

/** A Web API call a listener made through the dummy client. */
export interface DummyCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A WebClient stand-in that records each call (`client.views.open(…)` → `views.open`) and answers
 * `{ ok: true }`, merged with what `answers[method]` returns for that call.
 */
export function recordingClient(
  answers: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {},
): { client: WebClient; calls: DummyCall[] } {
  const calls: DummyCall[] = [];
  const call = async (method: string, args: Record<string, unknown> = {}) => {
    calls.push({ method, args });
    return { ok: true, ...(answers[method]?.(args) ?? {}) };
  };
  const namespace = (path: string[]): unknown =>
    new Proxy(() => {}, {
      get: (_target, key) => {
        if (typeof key !== 'string' || key === 'then') return undefined;
        if (path.length === 0 && key === 'apiCall') return call;
        return namespace([...path, key]);
      },
      apply: (_target, _this, [args]) => call(path.join('.'), args as Record<string, unknown>),
    });
  return { client: namespace([]) as WebClient, calls };
}

/** What a listener answered: each ack (undefined for a bare `ack()`), each respond. */
export interface Answers<Ack> {
  acks: (Ack | undefined)[];
  responds: unknown[];
  calls: DummyCall[];
}

function middleware(client: WebClient | undefined) {
  const recorded = client ? { client, calls: [] as DummyCall[] } : recordingClient();
  const responds: unknown[] = [];
  const all: AllMiddlewareArgs = {
    context: { isEnterpriseInstall: false, teamId: SANDBOX_APP.teamId, botToken: 'xoxb-dummy' },
    logger: silentBoltLogger,
    client: recorded.client,
    next: async () => {},
  };
  const respond = async (message: unknown) => {
    responds.push(message);
    return { ok: true } as never;
  };
  return { all, respond, responds, calls: recorded.calls };
}

const silentBoltLogger: AllMiddlewareArgs['logger'] = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => 'error' as never,
  setName: () => {},
};

/**
 * A view as Slack holds it once the app opened it: ids, hash and team filled in, the blocks as
 * built, and `state.values` from `answers` (by input block_id, like FakeSlack's submissions) or
 * exactly `values`.
 */
export function dummyViewOutput(
  view: ModalView,
  input: { answers?: ViewAnswers; values?: ViewStateValues; id?: string; privateMetadata?: string } = {},
): ViewOutput {
  const output: ViewOutput = {
    id: input.id ?? DUMMY.viewId,
    team_id: SANDBOX_APP.teamId,
    app_id: SANDBOX_APP.apiAppId,
    bot_id: 'B0DUMMY001',
    type: view.type,
    callback_id: view.callback_id ?? '',
    title: { type: 'plain_text', text: view.title.text, emoji: true },
    blocks: view.blocks,
    close: view.close ? { type: 'plain_text', text: view.close.text, emoji: true } : null,
    submit: view.submit ? { type: 'plain_text', text: view.submit.text, emoji: true } : null,
    state: { values: {} },
    hash: '1767600000.dummyhash',
    private_metadata: input.privateMetadata ?? view.private_metadata ?? '',
    root_view_id: input.id ?? DUMMY.viewId,
    previous_view_id: null,
    clear_on_close: false,
    notify_on_close: false,
  };
  output.state.values = input.values ?? stateValuesFor(output, input.answers ?? {});
  return output;
}

export type ViewSubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A modal's submission: `view` as the app built it (or as Slack holds it), with the person's answers. */
export function createDummyViewSubmissionArgs(input: {
  view: ModalView | ViewOutput;
  answers?: ViewAnswers;
  values?: ViewStateValues;
  userId?: string;
  client?: WebClient;
}): { args: ViewSubmissionArgs } & Answers<Parameters<ViewSubmissionArgs['ack']>[0]> {
  const held =
    'id' in input.view && 'hash' in input.view
      ? (input.view as ViewOutput)
      : dummyViewOutput(input.view as ModalView);
  const { all, respond, responds, calls } = middleware(input.client);
  const body = viewSubmissionPayload({
    user: { id: input.userId ?? DUMMY.userId, name: DUMMY.userName },
    view: held,
    values: input.values ?? (input.answers ? stateValuesFor(held, input.answers) : held.state.values),
    triggerId: DUMMY.triggerId,
  });
  const acks: Answers<Parameters<ViewSubmissionArgs['ack']>[0]>['acks'] = [];
  const args: ViewSubmissionArgs = {
    ...all,
    payload: body.view,
    view: body.view,
    body,
    ack: async (response?: Parameters<ViewSubmissionArgs['ack']>[0]) => {
      acks.push(response);
    },
    respond: respond as ViewSubmissionArgs['respond'],
  };
  return { args, acks, responds, calls };
}

export type BlockActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * A click (`buttonAction(…)` from payloads.ts, or any element action): in a modal or the Home tab
 * when `view` is given, else on a message in the person's DM, which carries a response_url.
 */
export function createDummyBlockActionArgs(input: {
  action: ActionInput;
  userId?: string;
  view?: ViewOutput;
  message?: BlockAction['message'];
  client?: WebClient;
}): { args: BlockActionArgs } & Answers<void> {
  const userId = input.userId ?? DUMMY.userId;
  const { all, respond, responds, calls } = middleware(input.client);
  const body = blockActionsPayload({
    user: { id: userId, username: DUMMY.userName },
    triggerId: DUMMY.triggerId,
    actions: [input.action],
    ...(input.view
      ? { container: viewContainer(input.view.id), view: input.view }
      : {
          container: messageContainer(DUMMY.channelId, DUMMY.messageTs),
          channel: { id: DUMMY.channelId, name: 'directmessage' },
          responseUrl: DUMMY.responseUrl,
          ...(input.message ? { message: input.message } : {}),
        }),
  }) as BlockAction;
  const acks: undefined[] = [];
  const action = body.actions[0] as BlockElementAction;
  const args: BlockActionArgs = {
    ...all,
    payload: action,
    action,
    body,
    ack: async () => {
      acks.push(undefined);
    },
    respond: respond as BlockActionArgs['respond'],
    say: (async () => ({ ok: true })) as never,
    complete: undefined,
    fail: undefined,
    inputs: undefined,
  } as BlockActionArgs;
  return { args, acks, responds, calls };
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/access <text>` typed by the person in their DM with the app. */
export function createDummyCommandArgs(input: {
  text: string;
  userId?: string;
  client?: WebClient;
}): { args: CommandArgs } & Answers<Parameters<CommandArgs['ack']>[0]> {
  const { all, respond, responds, calls } = middleware(input.client);
  const command = slashCommandPayload({
    text: input.text,
    userId: input.userId ?? DUMMY.userId,
    userName: DUMMY.userName,
    channelId: DUMMY.channelId,
    channelName: 'directmessage',
    responseUrl: DUMMY.responseUrl,
    triggerId: DUMMY.triggerId,
  });
  const acks: Answers<Parameters<CommandArgs['ack']>[0]>['acks'] = [];
  const args: CommandArgs = {
    ...all,
    payload: command,
    command,
    body: command,
    ack: async (response?: Parameters<CommandArgs['ack']>[0]) => {
      acks.push(response);
    },
    respond: respond as CommandArgs['respond'],
    say: (async () => ({ ok: true })) as never,
  };
  return { args, acks, responds, calls };
}

// biome-ignore lint/suspicious/noExplicitAny: Bolt's listener types differ per kind; callers pick them.
type Listener = (args: any) => Promise<void> | void;

/**
 * What a `register(app, ctx)` function wires, caught by a stand-in for Bolt's App: the listeners
 * by action_id, callback_id, event type or command, to call with the dummy args above.
 */
export function registeredListeners(register: (app: never) => void): {
  action(actionId: string): (args: BlockActionArgs) => Promise<void>;
  view(callbackId: string): (args: ViewSubmissionArgs) => Promise<void>;
  command(name: string): (args: CommandArgs) => Promise<void>;
  event(type: string): (args: unknown) => Promise<void>;
} {
  const wired = new Map<string, Listener[]>();
  const keyOf = (kind: string, constraint: unknown): string => {
    if (typeof constraint === 'string') return `${kind}:${constraint}`;
    const c = constraint as { action_id?: unknown; callback_id?: unknown };
    return `${kind}:${String(c.action_id ?? c.callback_id)}`;
  };
  const add =
    (kind: string) =>
    (constraint: unknown, ...listeners: Listener[]) => {
      wired.set(keyOf(kind, constraint), [...(wired.get(keyOf(kind, constraint)) ?? []), ...listeners]);
    };
  const app = {
    action: add('action'),
    view: add('view'),
    command: add('command'),
    event: add('event'),
    options: add('options'),
    shortcut: add('shortcut'),
    use: () => {},
    error: () => {},
  };
  register(app as never);
  const get = (kind: string, id: string) => {
    const listeners = wired.get(`${kind}:${id}`);
    if (!listeners) {
      const known = [...wired.keys()].join(', ') || 'nothing';
      throw new Error(`nothing listens to ${kind} ${id} (wired: ${known})`);
    }
    return async (args: unknown) => {
      for (const listener of listeners) await listener(args);
    };
  };
  return {
    action: (id) => get('action', id),
    view: (id) => get('view', id),
    command: (name) => get('command', name),
    event: (type) => get('event', type),
  };
}
