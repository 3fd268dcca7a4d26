import type { KnownBlock } from '@slack/types';
import { section } from '../blocks.js';
import { escapeMrkdwn, truncate } from '../mrkdwn.js';
import { engineText } from './text.js';

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

/** The engine's refusal, escaped: a package name can be anything an admin typed. */
export function refusalReply(message: string): AdminReply {
  const text = `:no_entry: ${engineText(message)}`;
  return { text, blocks: [section(text)] };
}

/** How to use a command, when its arguments don't parse. */
export function usageReply(usage: string, problem?: string): AdminReply {
  const how = `Use \`/access ${escapeMrkdwn(usage)}\`.`;
  const text = problem ? `${engineText(problem)} ${how}` : how;
  return { text, blocks: [section(text)] };
}
