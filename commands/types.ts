import type { KnownBlock } from '@slack/types';
import type { CommandCall } from '../src/slack/context.js';

/** What a sub-command answers: an ephemeral message, or nothing when it opened a modal. */
export type CommandReply = { text: string; blocks?: KnownBlock[] } | null;

export interface AccessCommand {
  /** The sub-command word(s): `list`, `package new`. */
  name: string;
  aliases?: readonly string[];
  usage: string;
  summary: string;
  audience: 'everyone' | 'admin';
  run(call: CommandCall): Promise<CommandReply>;
}
