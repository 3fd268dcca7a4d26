import type { KnownBlock } from '@slack/types';
import { section } from '../blocks.js';
import { escapeMrkdwn, truncate } from '../mrkdwn.js';

/** What an admin command answers: a short text for notifications and the blocks to show. */
export interface AdminReply {
  text: string;
  blocks: KnownBlock[];
}

/**
 * One line that says what was done; `mrkdwn` is already escaped by the caller. `plainText` is
 * the fallback as typed (names, raw user ids): it is escaped here, since Slack parses the
 * fallback text as mrkdwn too.
 */
export function doneReply(mrkdwn: string, plainText: string): AdminReply {
  return {
    text: escapeMrkdwn(truncate(plainText, 2900)),
    blocks: [section(`:white_check_mark: ${mrkdwn}`)],
  };
}

/** How to use a command, when its arguments don't parse. */
export function usageReply(usage: string, problem?: string): AdminReply {
  const how = `Use \`/access ${escapeMrkdwn(usage)}\`.`;
  const text = problem ? `${escapeMrkdwn(truncate(problem, 1000))} ${how}` : how;
  return { text, blocks: [section(text)] };
}
