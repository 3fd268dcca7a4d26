import { escapeMrkdwn, truncate } from './mrkdwn.js';

/**
 * Kept only for the package wizard's views (views/admin/wizard/*), which still show the policy
 * warnings and wizard refusals as sentences: escaped like user text, except the user mentions
 * the engine writes itself (`<@U0123>`), which are kept. A `<@U…>` typed inside a name there
 * still becomes a mention; everything else shows refusals through src/slack/refusals.ts, which
 * builds mentions from user ids and needs none of this. Delete once the wizard does the same.
 */
export function engineText(message: string, max = 2900): string {
  return escapeMrkdwn(truncate(message, max)).replace(/&lt;@([UW][A-Z0-9]{2,})&gt;/g, '<@$1>');
}
