import { randomBytes } from 'node:crypto';
import type { ViewOutput } from '@slack/bolt';
import { jsonArg, missingArgument, optionalString, requireString, SlackApiError } from '../api-error.js';
import { checkView, formatIssue } from '../block-kit-checks.js';
import type { ViewAction, Workspace } from '../workspace.js';
import type { MethodContext, MethodHandler } from './context.js';

/** Slack refuses a view whose JSON is over 250 kB. */
export const MAX_VIEW_BYTES = 250_000;
/** A modal stack holds the opened view and at most two pushed ones. */
export const MAX_MODAL_STACK = 3;

type Json = Record<string, unknown>;
type ViewType = 'modal' | 'home';

/** Parses and checks the `view` argument the way Slack does before it shows anything. */
export function viewArgument(context: MethodContext, allowed: ViewType[]): Json {
  const view = jsonArg(context.args, 'view', 'invalid_arguments');
  if (typeof view !== 'object' || view === null || Array.isArray(view)) throw missingArgument('view');
  return checkedView(view as Json, allowed, context.warnings);
}

export function checkedView(view: Json, allowed: ViewType[], warnings: string[]): Json {
  if (Buffer.byteLength(JSON.stringify(view)) > MAX_VIEW_BYTES) throw new SlackApiError('view_too_large');
  const issues = checkView(view);
  if (issues.some((issue) => issue.level === 'error'))
    throw SlackApiError.fromIssues('invalid_arguments', issues);
  if (!allowed.includes(view.type as ViewType)) {
    throw SlackApiError.withMessages('invalid_arguments', [
      `[ERROR] must be one of ${allowed.join(', ')} [json-pointer:/view/type]`,
    ]);
  }
  warnings.push(...issues.map(formatIssue));
  return view;
}

/** Slack gives blocks and elements without ids generated ones; the view it answers carries them. */
function withIds(blocks: unknown[]): ViewOutput['blocks'] {
  return blocks.map((block) => {
    const copy = { ...(block as Json) };
    copy.block_id ??= shortId();
    if (copy.element && typeof copy.element === 'object') {
      copy.element = { ...(copy.element as Json), action_id: (copy.element as Json).action_id ?? shortId() };
    }
    if (copy.accessory && typeof copy.accessory === 'object') {
      copy.accessory = {
        ...(copy.accessory as Json),
        action_id: (copy.accessory as Json).action_id ?? shortId(),
      };
    }
    if (copy.type === 'actions' && Array.isArray(copy.elements)) {
      copy.elements = copy.elements.map((element: Json) => ({
        ...element,
        action_id: element.action_id ?? shortId(),
      }));
    }
    return copy as unknown as ViewOutput['blocks'][number];
  });
}

function shortId(): string {
  return randomBytes(3).toString('base64url');
}

export function newHash(now: Date): string {
  return `${Math.floor(now.getTime() / 1000)}.${randomBytes(4).toString('hex')}`;
}

export function viewOutput(
  workspace: Workspace,
  view: Json,
  ids: { id: string; rootViewId: string | null; previousViewId: string | null; hash: string },
): ViewOutput {
  const plain = (value: unknown) => (value ? (value as ViewOutput['title']) : null);
  const output: ViewOutput = {
    id: ids.id,
    team_id: workspace.team.id,
    type: String(view.type),
    blocks: withIds(view.blocks as unknown[]),
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    state: { values: {} },
    hash: ids.hash,
    title: plain(view.title) ?? { type: 'plain_text', text: 'View Title', emoji: true },
    clear_on_close: view.clear_on_close === true,
    notify_on_close: view.notify_on_close === true,
    close: plain(view.close),
    submit: plain(view.submit),
    previous_view_id: ids.previousViewId,
    root_view_id: ids.rootViewId,
    app_id: workspace.bot.appId,
    external_id: typeof view.external_id === 'string' ? view.external_id : '',
    app_installed_team_id: workspace.team.id,
    bot_id: workspace.bot.botId,
  };
  return output;
}

export function recordView(
  workspace: Workspace,
  action: ViewAction,
  userId: string,
  view: ViewOutput,
  at: Date,
): void {
  workspace.views.set(view.id, { userId, view });
  workspace.viewEvents.push({ action, userId, viewId: view.id, at, view });
}

export const viewsOpen: MethodHandler = (context) => {
  const { workspace, args, triggers, now } = context;
  const triggerId = requireString(args, 'trigger_id', 'invalid_trigger_id');
  const view = viewArgument(context, ['modal']);
  const trigger = triggers.consume(triggerId);
  const id = workspace.nextId('V');
  const output = viewOutput(workspace, view, {
    id,
    rootViewId: id,
    previousViewId: null,
    hash: newHash(now),
  });
  for (const closed of workspace.modalStack(trigger.userId).splice(0)) workspace.closedViews.add(closed);
  workspace.modalStack(trigger.userId).push(id);
  recordView(workspace, 'open', trigger.userId, output, now);
  return { view: output };
};

export const viewsPush: MethodHandler = (context) => {
  const { workspace, args, triggers, now } = context;
  const triggerId = requireString(args, 'trigger_id', 'invalid_trigger_id');
  const view = viewArgument(context, ['modal']);
  const trigger = triggers.consume(triggerId);
  const stack = workspace.modalStack(trigger.userId);
  if (!trigger.viewId || !stack.includes(trigger.viewId)) {
    throw SlackApiError.withMessages('invalid_trigger_id', [
      '[ERROR] views.push needs a trigger_id from an interaction inside the open modal',
    ]);
  }
  if (stack.length >= MAX_MODAL_STACK) throw new SlackApiError('push_limit_reached');
  const id = workspace.nextId('V');
  const output = viewOutput(workspace, view, {
    id,
    rootViewId: stack[0] ?? id,
    previousViewId: stack[stack.length - 1] ?? null,
    hash: newHash(now),
  });
  stack.push(id);
  recordView(workspace, 'push', trigger.userId, output, now);
  return { view: output };
};

export const viewsUpdate: MethodHandler = (context) => {
  const { workspace, args, now } = context;
  const viewId = optionalString(args, 'view_id');
  const externalId = optionalString(args, 'external_id');
  if (!viewId && !externalId) throw missingArgument('view_id');
  const stored = viewId
    ? workspace.views.get(viewId)
    : [...workspace.views.values()].find((candidate) => candidate.view.external_id === externalId);
  if (!stored || workspace.closedViews.has(stored.view.id)) throw new SlackApiError('not_found');
  const hash = optionalString(args, 'hash');
  if (hash && hash !== stored.view.hash) throw new SlackApiError('hash_conflict');
  const view = viewArgument(context, [stored.view.type as ViewType]);
  const output = viewOutput(workspace, view, {
    id: stored.view.id,
    rootViewId: stored.view.root_view_id,
    previousViewId: stored.view.previous_view_id,
    hash: newHash(now),
  });
  recordView(workspace, 'update', stored.userId, output, now);
  return { view: output };
};

export const viewsPublish: MethodHandler = (context) => {
  const { workspace, args, now } = context;
  const user = workspace.user(requireString(args, 'user_id', 'user_not_found'));
  const view = viewArgument(context, ['home']);
  const existingId = workspace.homeViews.get(user.id);
  const existing = existingId ? workspace.views.get(existingId) : undefined;
  const hash = optionalString(args, 'hash');
  if (hash && existing && hash !== existing.view.hash) throw new SlackApiError('hash_conflict');
  const id = existingId ?? workspace.nextId('V');
  const output = viewOutput(workspace, view, {
    id,
    rootViewId: null,
    previousViewId: null,
    hash: newHash(now),
  });
  workspace.homeViews.set(user.id, id);
  recordView(workspace, 'publish', user.id, output, now);
  return { view: output };
};
