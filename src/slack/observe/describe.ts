import { z } from 'zod';
import { accessCommands } from '../../../commands/index.js';
import { routeAccessCommand } from '../../../commands/router.js';
import { ACTION, CALLBACK } from '../../../views/ids.js';
import {
  decisionMetadataSchema,
  decisionValueSchema,
  readMetadata,
  requestValueSchema,
} from '../../../views/requests/values.js';
import { formatRequestId } from '../../domain/states.js';
import type { SlackRequestKind } from '../../metrics/metrics.js';

/** `/access …` routed: the sub-command (null: help) and the words after it. */
export type AccessRoute = ReturnType<typeof routeAccessCommand>;

/** What an incoming Slack request is, for metrics labels and log fields. */
export interface SlackRequestInfo {
  kind: SlackRequestKind;
  /** The sub-command, action_id, callback_id or event type; `other` when not one the app knows. */
  id: string;
  slackUser?: string;
  /** `R-1042` when the payload names a Gatehouse request (a card's button, a command's words). */
  gatehouseRequest?: string;
  /** Slack's id of an Events API delivery (the same on its retries). */
  slackEventId?: string;
}

const ACTION_IDS = new Set<string>(Object.values(ACTION));
const CALLBACK_IDS = new Set<string>(Object.values(CALLBACK));
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const slackId = z.string().max(255);

const commandBody = z.object({
  command: slackId,
  text: z.string().max(10_000).optional(),
  user_id: userId.optional(),
});
const actionsBody = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: userId }).optional(),
  actions: z.array(z.object({ action_id: slackId, value: z.string().max(2000).optional() })).min(1),
});
const viewBody = z.object({
  type: z.enum(['view_submission', 'view_closed']),
  user: z.object({ id: userId }).optional(),
  view: z.object({ callback_id: slackId.optional(), private_metadata: z.string().max(3000).optional() }),
});
const eventBody = z.object({
  type: z.literal('event_callback'),
  event_id: slackId.optional(),
  event: z.object({
    type: z.string().regex(/^[a-z_]{1,64}$/),
    user: z.union([userId, z.object({ id: userId })]).optional(),
  }),
});

/** Reads a request's body (already parsed by Bolt) into its kind, id and the people and requests it names. */
export function describeSlackRequest(body: unknown): SlackRequestInfo {
  return describeIncoming(body).info;
}

/**
 * What `describeSlackRequest` says, and for `/access` the route it took to say it: the command
 * listener runs that route instead of parsing the text a second time.
 */
export function describeIncoming(body: unknown): { info: SlackRequestInfo; accessRoute?: AccessRoute } {
  const command = commandBody.safeParse(body);
  if (command.success) return describeCommand(command.data);
  return { info: describeOther(body) };
}

function describeOther(body: unknown): SlackRequestInfo {
  const actions = actionsBody.safeParse(body);
  if (actions.success) {
    const action = actions.data.actions[0]!;
    const known = ACTION_IDS.has(action.action_id);
    return withOptional({
      kind: 'action',
      id: known ? action.action_id : 'other',
      slackUser: actions.data.user?.id,
      gatehouseRequest: known ? requestInAction(action.action_id, action.value) : undefined,
    });
  }
  const view = viewBody.safeParse(body);
  if (view.success) {
    const callbackId = view.data.view.callback_id ?? '';
    const known = CALLBACK_IDS.has(callbackId);
    const metadata =
      callbackId === CALLBACK.decisionReason
        ? readMetadata(decisionMetadataSchema, view.data.view.private_metadata)
        : null;
    return withOptional({
      kind: 'view',
      id: known ? callbackId : 'other',
      slackUser: view.data.user?.id,
      gatehouseRequest: metadata ? formatRequestId(metadata.requestId) : undefined,
    });
  }
  const event = eventBody.safeParse(body);
  if (event.success) {
    const user = event.data.event.user;
    return withOptional({
      kind: 'event',
      id: event.data.event.type,
      slackUser: typeof user === 'string' ? user : user?.id,
      slackEventId: event.data.event_id,
    });
  }
  return { kind: 'other', id: 'other' };
}

function describeCommand(body: z.infer<typeof commandBody>): {
  info: SlackRequestInfo;
  accessRoute?: AccessRoute;
} {
  const text = body.text ?? '';
  const accessRoute = body.command === '/access' ? routeAccessCommand(accessCommands, text) : undefined;
  const id = accessRoute ? (accessRoute.command?.name ?? 'help') : 'other';
  const mentioned = /(?:^|\s)R-(\d{1,9})(?=\s|$)/i.exec(text);
  const info = withOptional({
    kind: 'command',
    id,
    slackUser: body.user_id,
    gatehouseRequest: mentioned ? formatRequestId(Number(mentioned[1])) : undefined,
  });
  return accessRoute ? { info, accessRoute } : { info };
}

/** Approve, Deny and Cancel carry a request id in their value. */
function requestInAction(actionId: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (actionId === ACTION.approveRequest || actionId === ACTION.denyRequest) {
    const parsed = decisionValueSchema.safeParse(value);
    return parsed.success ? formatRequestId(parsed.data.requestId) : undefined;
  }
  if (actionId === ACTION.cancelRequest) {
    const parsed = requestValueSchema.safeParse(value);
    return parsed.success ? formatRequestId(parsed.data) : undefined;
  }
  return undefined;
}

/** Drops the keys whose value is undefined (log lines and labels carry only what is known). */
function withOptional(
  info: {
    [K in keyof SlackRequestInfo]: SlackRequestInfo[K] | undefined;
  },
): SlackRequestInfo {
  return Object.fromEntries(
    Object.entries(info).filter(([, value]) => value !== undefined),
  ) as unknown as SlackRequestInfo;
}
