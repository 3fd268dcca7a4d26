import type { KnownBlock } from '@slack/types';
import { actions, button, context, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { mention, truncate, userText } from '../mrkdwn.js';

const str = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

/**
 * The admin's DM when Gatehouse gave up delivering (a `delivery_failed` notification with
 * `forAdmin`): what failed for whom, Slack's or the webhook's error, and a Retry button whose
 * value is the assignment id (ACTION.retryDelivery). For the notifier to use for that kind.
 */
export function renderDeliveryAbandoned(data: Record<string, unknown>): {
  text: string;
  blocks: KnownBlock[];
} {
  const pkg = userText(str(data.packageName), 150);
  const resource = userText(str(data.resource), 150);
  const role = userText(str(data.role) || 'member', 40);
  const error = userText(str(data.error) || 'no answer', 1000);
  const assignmentId = Number(data.assignmentId);
  const text = `Gatehouse gave up giving ${mention(str(data.userId))} ${role} on ${resource} (${pkg}).`;
  const blocks: KnownBlock[] = [section(`:rotating_light: ${text}\n>${error}`)];
  if (Number.isInteger(assignmentId) && assignmentId > 0) {
    blocks.push(
      actions('delivery_retry', [button('Retry', ACTION.retryDelivery, String(assignmentId), 'primary')]),
    );
    blocks.push(context('Fix the cause (the bot in the channel, the webhook up), then retry.'));
  } else {
    blocks.push(context('Fix the cause, then assign the package again.'));
  }
  // The fallback text is parsed as mrkdwn too: the same escaped sentence as the blocks.
  return { text: truncate(text, 3000), blocks };
}

/** What the DM says once Retry was pressed (it replaces the buttons). */
export function deliveryRetriedBlocks(original: string, retried: number, by: string): KnownBlock[] {
  const outcome =
    retried > 0
      ? `:arrows_counterclockwise: ${mention(by)} retried ${retried === 1 ? 'the delivery' : `${retried} deliveries`}; the person is told when it works.`
      : ':information_source: Nothing left to retry: it was retried already, or the access ended.';
  return [section(truncate(original, 2900)), context(outcome)];
}
