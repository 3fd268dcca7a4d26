import type { KnownBlock } from '@slack/types';
import { section } from '../blocks.js';
import { escapeMrkdwn, truncate } from '../mrkdwn.js';
import { engineText } from './text.js';

/** What an admin command answers: a short text for notifications and the blocks to show. */
export interface AdminReply {
  text: string;
  blocks: KnownBlock[];
}

/** One line that says what was done; `mrkdwn` is already escaped by the caller. */
export function doneReply(mrkdwn: string, plainText: string): AdminReply {
  return { text: truncate(plainText, 3000), blocks: [section(`:white_check_mark: ${mrkdwn}`)] };
}

/** The engine's refusal, escaped: a package name can be anything an admin typed. */
export function refusalReply(message: string): AdminReply {
  return {
    text: truncate(`:no_entry: ${message}`, 3000),
    blocks: [section(`:no_entry: ${engineText(message)}`)],
  };
}

/** How to use a command, when its arguments don't parse. */
export function usageReply(usage: string, problem?: string): AdminReply {
  const text = `${problem ? `${problem} ` : ''}Use \`/access ${usage}\`.`;
  const how = `Use \`/access ${escapeMrkdwn(usage)}\`.`;
  return { text, blocks: [section(problem ? `${engineText(problem)} ${how}` : how)] };
}
