import type { SectionBlock } from '@slack/types';
import { section } from './blocks.js';
import { BLOCK } from './ids.js';

/**
 * What happened after a click or a command, shown on top of the screen it refreshes (the Home
 * tab, `/access my`, an assignments list): done, refused by the engine, or failed on our side.
 * `mrkdwn` is ready to show — already escaped by whoever built it (views/portal/outcomes.ts for
 * what was done, src/slack/refusals.ts for refusals and failures); nothing here un-escapes.
 */
export interface Notice {
  kind: 'done' | 'refused' | 'failed';
  mrkdwn: string;
}

export const NOTICE_ICON: Record<Notice['kind'], string> = {
  done: ':white_check_mark:',
  refused: ':no_entry:',
  failed: ':warning:',
};

/** The notice as one line of mrkdwn, its icon first. */
export function noticeText(notice: Notice): string {
  return `${NOTICE_ICON[notice.kind]} ${notice.mrkdwn}`;
}

export function noticeBlock(notice: Notice): SectionBlock {
  return { ...section(noticeText(notice)), block_id: BLOCK.notice };
}
