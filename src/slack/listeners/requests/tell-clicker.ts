import type { AllMiddlewareArgs, BlockAction, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { SlackContext } from '../../context.js';

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
  ctx: SlackContext,
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

/** The value of the clicked button, or the picked option of a select. */
export function clickedValue(action: unknown): string | undefined {
  const a = action as { value?: unknown; selected_option?: { value?: unknown } | null };
  if (typeof a?.value === 'string') return a.value;
  const picked = a?.selected_option?.value;
  return typeof picked === 'string' ? picked : undefined;
}
