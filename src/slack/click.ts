import type { AllMiddlewareArgs, BlockAction, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { homeMetadataSchema } from '../../views/portal/home-pages.js';
import type { ClickOrigin } from '../../views/portal/origin.js';
import { GatehouseError, type Sentence } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { SlackContext } from './context.js';

/**
 * Clicks, read at the edge and answered where they came from: what a button says (its value, its
 * origin: the Home tab, an ephemeral answer, a DM), and the two ways to answer the clicker for
 * their eyes only (the click's response_url, else their DM).
 */

const clickBody = z.object({
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]+$/) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(2000).optional() })).min(1),
  container: z.object({
    type: z.string(),
    is_ephemeral: z.boolean().optional(),
    message_ts: z.string().optional(),
    channel_id: z.string().optional(),
  }),
  view: z.object({ type: z.string(), private_metadata: z.string().optional() }).optional(),
  response_url: z.string().url().optional(),
});

/** A click on one of the portal's buttons, parsed at the edge. */
export interface Click {
  userId: string;
  value: string;
  triggerId: string;
  origin: ClickOrigin;
}

export function parseClick(body: unknown): Click {
  const b = clickBody.parse(body);
  return {
    userId: b.user.id,
    value: b.actions[0]!.value ?? '',
    triggerId: b.trigger_id,
    origin: originOf(b),
  };
}

function originOf(b: z.infer<typeof clickBody>): ClickOrigin {
  if (b.container.type === 'view' && b.view?.type === 'home') {
    return { kind: 'home', pages: homePagesOf(b.view.private_metadata) };
  }
  if (b.container.is_ephemeral && b.response_url) return { kind: 'ephemeral', responseUrl: b.response_url };
  if (b.container.channel_id && b.container.message_ts) {
    return {
      kind: 'message',
      channel: b.container.channel_id,
      ts: b.container.message_ts,
      ...(b.response_url ? { responseUrl: b.response_url } : {}),
    };
  }
  return { kind: 'home', pages: {} };
}

/** The Home view's pages, from its private_metadata; a view we can't read starts at the first pages. */
export function homePagesOf(privateMetadata: string | undefined) {
  return homeMetadataOf(privateMetadata).pages;
}

export function homeMetadataOf(privateMetadata: string | undefined) {
  try {
    const parsed = homeMetadataSchema.safeParse(JSON.parse(privateMetadata || '{}'));
    return parsed.success ? parsed.data : { pages: {} };
  } catch {
    return { pages: {} };
  }
}

/** A button whose value this version can't read: a refusal of its own kind. */
export function staleButton(
  message: string | Sentence = 'That button is out of date: open the Home tab or run the command again.',
): GatehouseError {
  return new GatehouseError('input.out_of_date', message);
}

/** A button value that is one id (an assignment's, a request's). */
export function idFromValue(value: string): number {
  const parsed = z.coerce.number().int().positive().safeParse(value);
  if (!parsed.success) throw staleButton();
  return parsed.data;
}

/** Keep / Remove carry `reviewId:assignmentId`. */
export function reviewItemFromValue(value: string): { reviewId: number; assignmentId: number } {
  const match = /^(\d{1,9}):(\d{1,9})$/.exec(value);
  if (!match) throw staleButton();
  return { reviewId: Number(match[1]), assignmentId: Number(match[2]) };
}

/** private_metadata as JSON; null when it isn't (zod then refuses it). */
export function jsonOrNull(text: string | undefined): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return null;
  }
}

/** The value of the clicked button, or the picked option of a select. */
export function clickedValue(action: unknown): string | undefined {
  const a = action as { value?: unknown; selected_option?: { value?: unknown } | null };
  if (typeof a?.value === 'string') return a.value;
  const picked = a?.selected_option?.value;
  return typeof picked === 'string' ? picked : undefined;
}

export interface ClickArgs {
  body: BlockAction;
  client: AllMiddlewareArgs['client'];
  respond: RespondFn;
}

/**
 * Answers the person who clicked, for their eyes only: through the click's response_url
 * (ephemeral, the message left as it was), or in their DM when the click came from a modal or
 * the Home tab, which have no response_url.
 */
export async function tellClicker(
  ctx: Pick<SlackContext, 'log'>,
  args: ClickArgs,
  reply: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  try {
    if (args.body.response_url) {
      await args.respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: reply.text,
        ...(reply.blocks ? { blocks: reply.blocks } : {}),
      });
    } else {
      await args.client.chat.postMessage({
        channel: args.body.user.id,
        text: reply.text,
        ...(reply.blocks ? { blocks: reply.blocks } : {}),
      });
    }
  } catch (error) {
    ctx.log.warn(
      { slackUser: args.body.user.id, err: error instanceof Error ? error.message : String(error) },
      'could not answer a click',
    );
  }
}

/**
 * Posts to a response_url (an ephemeral answer to replace, or one to add). Slack takes five posts
 * within 30 minutes; a failure is logged, never thrown: the change itself is already made.
 */
export async function postToResponseUrl(
  url: string,
  message: { text: string; blocks?: KnownBlock[]; replace_original?: boolean },
  log: Logger,
): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
      signal: AbortSignal.timeout(2_500),
    });
    if (!response.ok) log.warn({ status: response.status }, 'response_url refused the answer');
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'response_url failed');
  }
}
