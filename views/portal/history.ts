import type { KnownBlock } from '@slack/types';
import type { RequestSummary } from '../../src/services/requests/request-queries.js';
import { context, header, section } from '../blocks.js';
import { formatDate, truncate, userText } from '../mrkdwn.js';

/** One section per request: 20 a page keeps a message far under 50 blocks and Slack's text cap. */
export const HISTORY_PAGE_SIZE = 20;

const TYPE_WORDS: Record<RequestSummary['type'], string> = {
  user_add: 'Requested',
  user_extend: 'Extension',
  user_remove: 'You gave it up',
  admin_add: 'Assigned by an admin',
  admin_remove: 'Removed by an admin',
  system_remove: 'Removed by Gatehouse',
};

const OUTCOME_ICONS: Record<string, string> = {
  Delivered: ':white_check_mark:',
  Expired: ':hourglass:',
  Removed: ':lock:',
  Denied: ':no_entry:',
  Canceled: ':wastebasket:',
  'Timed out': ':hourglass:',
  'Delivery failed': ':warning:',
  'Partially delivered': ':warning:',
};

export function historyLine(r: RequestSummary): string {
  const icon = OUTCOME_ICONS[r.outcome] ?? ':small_blue_diamond:';
  const closed = r.closedAt ? ` · closed ${formatDate(r.closedAt)}` : '';
  const note = r.outcomeNote ? `\n_${userText(r.outcomeNote, 300)}_` : '';
  return `${icon} *${r.outcome}* · ${r.request} · *${userText(r.packageName, 150)}*\n${TYPE_WORDS[r.type]} ${formatDate(r.createdAt)}${closed}${note}`;
}

export interface HistoryInput {
  /** This page's requests, newest first. */
  requests: readonly RequestSummary[];
  /** 1-based. */
  page: number;
  hasMore: boolean;
}

/** `/access history [page]`: every request, newest first, with the engine's outcome words. */
export function historyView(input: HistoryInput): { text: string; blocks: KnownBlock[] } {
  const { requests, page } = input;
  if (requests.length === 0) {
    const text =
      page > 1
        ? `There is no page ${page}: your history is shorter. Try \`/access history\`.`
        : "You haven't requested anything yet. `/access list` shows what you can request.";
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [header(page > 1 ? `Request history, page ${page}` : 'Request history')];
  for (const r of requests.slice(0, HISTORY_PAGE_SIZE)) blocks.push(section(historyLine(r)));
  const first = (page - 1) * HISTORY_PAGE_SIZE + 1;
  const last = first + Math.min(requests.length, HISTORY_PAGE_SIZE) - 1;
  blocks.push(
    context(
      input.hasMore
        ? `Requests ${first}–${last}, newest first. Older ones: \`/access history ${page + 1}\`.`
        : `Requests ${first}–${last}, newest first. That is all of them.`,
    ),
  );
  const text = requests
    .slice(0, HISTORY_PAGE_SIZE)
    .map((r) => `${r.request} ${r.packageName}: ${r.outcome}`)
    .join('; ');
  return { text: truncate(userText(text, 3000), 3000), blocks };
}
