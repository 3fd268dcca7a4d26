import { escapeMrkdwn, truncate } from './mrkdwn.js';

/**
 * An engine message (a refusal, say) as mrkdwn: it may name a package or echo what someone typed,
 * so it is escaped like user text; only the user mentions the engine writes itself
 * (`<@U0123>`) are kept as mentions.
 */
export function engineText(message: string, max = 2900): string {
  return escapeMrkdwn(truncate(message, max)).replace(/&lt;@([UW][A-Z0-9]{2,})&gt;/g, '<@$1>');
}
