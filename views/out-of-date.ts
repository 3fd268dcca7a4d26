import type { KnownBlock, ModalView } from '@slack/types';
import { context, plain, section } from './blocks.js';

/**
 * What a person sees when Slack sends the app something no listener answers any more: a button on
 * an old card, a modal opened by an earlier version, a slash command other than /access.
 */

export const OUT_OF_DATE_BUTTON =
  ':hourglass: That button is out of date: Gatehouse has changed since it was shown, and nothing was done. Run `/access` or open the Home tab for a current one.';

export const OUT_OF_DATE_FORM =
  ':hourglass: This form is out of date: Gatehouse has changed since it was opened, and nothing was saved. Close it and start again with `/access`.';

export const ONLY_ACCESS_COMMAND =
  'Gatehouse only answers `/access`. Type `/access help` to see what it can do.';

export function outOfDateButtonReply(): { text: string; blocks: KnownBlock[] } {
  return { text: OUT_OF_DATE_BUTTON, blocks: [section(OUT_OF_DATE_BUTTON)] };
}

/** Replaces the submitted modal (`response_action: update`); it has nothing left to submit. */
export function outOfDateModal(): ModalView {
  return {
    type: 'modal',
    title: plain('Out of date', 24),
    close: plain('Close', 24),
    blocks: [section(OUT_OF_DATE_FORM), context('`/access help` lists what Gatehouse can do.')],
  };
}

export function onlyAccessCommandReply(): { response_type: 'ephemeral'; text: string; blocks: KnownBlock[] } {
  return { response_type: 'ephemeral', text: ONLY_ACCESS_COMMAND, blocks: [section(ONLY_ACCESS_COMMAND)] };
}
