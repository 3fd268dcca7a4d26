import {
  type AckFn,
  type AllMiddlewareArgs,
  type App,
  type BlockAction,
  matchCommandName,
  matchConstraints,
  type RespondFn,
} from '@slack/bolt';
import { onlyAccessCommandReply, outOfDateButtonReply, outOfDateModal } from '../../views/out-of-date.js';
import type { ErrorCode } from '../domain/errors.js';
import { tellClicker } from './click.js';
import type { SlackContext } from './context.js';
import { noteRefused, requestLog } from './observe/scope.js';

/** The refusal code these answers are counted under, like a stale button a listener refuses. */
const OUT_OF_DATE = 'input.out_of_date' satisfies ErrorCode;

/**
 * Slack requests no listener answers — a click on a card or modal from an earlier version, the
 * submission of such a modal, a slash command other than /access — are acked at once and the
 * person told what happened, instead of Bolt answering 404 after three seconds (Slack then shows
 * its own error). Call it before the listeners are registered: it records what each
 * `app.action/view/command/options/shortcut` registration matches, with Bolt's own matchers, and
 * a global middleware lets a request on to the listeners only when one of them will match it
 * (Bolt runs every matching listener, so a catch-all listener would answer known ids too).
 */
export function answerOutOfDate(app: App, ctx: SlackContext): void {
  const known = recordListeners(app);
  app.use(async (args) => {
    const a = args as unknown as IncomingArgs;
    const kind = kindOf(a);
    if (kind === 'other' || (await known.matches(kind, a))) return a.next();
    const log = requestLog(a.context, ctx.log);
    log.info({ kind, id: idOf(kind, a) }, 'no listener for this Slack request: answered as out of date');
    switch (kind) {
      case 'command':
        noteRefused(OUT_OF_DATE);
        await a.ack?.(onlyAccessCommandReply());
        return;
      case 'view':
        if (a.body.type !== 'view_submission') {
          await a.ack?.();
          return;
        }
        noteRefused(OUT_OF_DATE);
        await a.ack?.({ response_action: 'update', view: outOfDateModal() });
        return;
      case 'action':
        await a.ack?.();
        if (a.body.type === 'block_actions') await answerStaleClick({ ...ctx, log }, a);
        return;
      case 'options':
        await a.ack?.({ options: [] });
        return;
      case 'shortcut':
        await a.ack?.();
        return;
    }
  });
}

/**
 * Tells the person the button is out of date, for their eyes only (response_url, else their DM),
 * unless the element was a form field.
 */
async function answerStaleClick(ctx: SlackContext, a: IncomingArgs): Promise<void> {
  const body = a.body as unknown as BlockAction;
  if (isFormField(body)) return;
  noteRefused(OUT_OF_DATE);
  // respond() exists whenever the click has a response_url, the only time tellClicker uses it.
  const respond = a.respond ?? noRespond;
  await tellClicker(ctx, { body, client: a.client, respond }, outOfDateButtonReply());
}

type Kind = 'command' | 'action' | 'view' | 'options' | 'shortcut';

interface IncomingArgs {
  body: { type?: string } & Record<string, unknown>;
  payload: unknown;
  context: AllMiddlewareArgs['context'];
  client: AllMiddlewareArgs['client'];
  next: () => Promise<void>;
  ack?: AckFn<unknown>;
  respond?: RespondFn;
  command?: { command?: string };
  action?: { action_id?: string; type?: string };
  view?: { callback_id?: string };
  options?: { action_id?: string };
  shortcut?: { callback_id?: string };
}

/** Bolt puts the payload under the name of its kind (`args.action`, `args.view`, …); events have none of these. */
function kindOf(a: IncomingArgs): Kind | 'other' {
  if (a.command) return 'command';
  if (a.action) return 'action';
  if (a.view) return 'view';
  if (a.options) return 'options';
  if (a.shortcut) return 'shortcut';
  return 'other';
}

function idOf(kind: Kind, a: IncomingArgs): string {
  const id =
    kind === 'command'
      ? a.command?.command
      : kind === 'action'
        ? a.action?.action_id
        : kind === 'options'
          ? a.options?.action_id
          : kind === 'view'
            ? a.view?.callback_id
            : a.shortcut?.callback_id;
  return String(id ?? '').slice(0, 100);
}

type Matcher = (args: Record<string, unknown>) => Promise<void>;

/** Wraps the registration methods so every listener's constraints are known, as Bolt normalises them. */
function recordListeners(app: App): { matches(kind: Kind, a: IncomingArgs): Promise<boolean> } {
  const matchers: Record<Kind, Matcher[]> = { command: [], action: [], view: [], options: [], shortcut: [] };
  const target = app as unknown as Record<Kind, (...args: unknown[]) => unknown>;
  const wrap = (kind: Kind, matcherFor: (constraints: unknown) => Matcher) => {
    const register = target[kind].bind(app);
    target[kind] = (constraints: unknown, ...listeners: unknown[]) => {
      matchers[kind].push(matcherFor(constraints));
      return register(constraints, ...listeners);
    };
  };
  const idOrPattern = (value: unknown) => typeof value === 'string' || value instanceof RegExp;
  const bolt = (constraints: unknown) => matchConstraints(constraints as never) as unknown as Matcher;
  wrap('action', (c) => bolt(idOrPattern(c) ? { action_id: c } : c));
  wrap('options', (c) => bolt(idOrPattern(c) ? { action_id: c } : c));
  wrap('view', (c) => bolt(idOrPattern(c) ? { callback_id: c, type: 'view_submission' } : c));
  wrap('shortcut', (c) => bolt(idOrPattern(c) ? { callback_id: c } : c));
  wrap('command', (c) => matchCommandName(c as string | RegExp) as unknown as Matcher);
  return {
    async matches(kind, a) {
      for (const matcher of matchers[kind]) {
        let matched = false;
        await matcher({
          ...a,
          context: {},
          next: async () => {
            matched = true;
          },
        });
        if (matched) return true;
      }
      return false;
    },
  };
}

/**
 * Form fields are state the submission reads, not commands: Slack sends a block_actions when one
 * changes only where the app asked for it (`dispatch_action`, e.g. the request form's policy
 * select), and a field of an older form that still does so has nothing to be told. So a field in
 * a modal (a select, picker, checkbox, radio button, text input), any element of an input block,
 * and a link button (its URL opened; Slack still reports the click) are acked without a word.
 */
function isFormField(body: BlockAction): boolean {
  const action = body.actions?.[0] as { type?: string; block_id?: string; url?: string } | undefined;
  if (!action) return true;
  if (action.type === 'button' && typeof action.url === 'string') return true;
  const view = body.view as { type?: string; blocks?: { type?: string; block_id?: string }[] } | undefined;
  if (view?.type === 'modal' && !COMMAND_ELEMENTS.has(action.type ?? '')) return true;
  const block = view?.blocks?.find((candidate) => candidate.block_id === action.block_id);
  return block?.type === 'input';
}

/** Elements whose use is a command in itself (a click), wherever they are. */
const COMMAND_ELEMENTS = new Set(['button', 'overflow', 'workflow_button']);

const noRespond = (() => Promise.reject(new Error('this click has no response_url'))) as RespondFn;
