import type { SectionBlock } from '@slack/types';
import { section } from '../blocks.js';
import { engineText } from '../engine-text.js';

/** What happened after a click, shown on top of the refreshed screen. */
export interface Notice {
  kind: 'done' | 'refused';
  /** A sentence from the engine or the app; may mention people as `<@U…>`. */
  text: string;
}

export { engineText };

export function noticeBlock(notice: Notice): SectionBlock {
  const icon = notice.kind === 'done' ? ':white_check_mark:' : ':no_entry:';
  return { ...section(`${icon} ${engineText(notice.text)}`), block_id: 'notice' };
}
