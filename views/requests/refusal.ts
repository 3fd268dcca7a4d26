import type { KnownBlock } from '@slack/types';
import { section } from '../blocks.js';
import { engineText } from '../engine-text.js';

/** An engine refusal as an ephemeral answer; its text escaped (it may echo names people typed). */
export function refusalReply(message: string): { text: string; blocks: KnownBlock[] } {
  const text = `:no_entry: ${engineText(message)}`;
  return { text: engineText(message), blocks: [section(text)] };
}

/** Something broke on Gatehouse's side: the person is told nothing changed. */
export const SOMETHING_WENT_WRONG =
  ":warning: Something went wrong on Gatehouse's side and nothing was changed. Try again in a minute; if it keeps happening, tell an admin.";
