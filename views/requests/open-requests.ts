import type { KnownBlock } from '@slack/types';
import type { RequestSummary } from '../../src/services/requests/request-summary.js';
import { button, context, header, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { formatDateTime, userText } from '../mrkdwn.js';

const SHOWN = 40;

/** `/access cancel` with no id: the person's open requests, each with Cancel. */
export function openRequestsView(requests: readonly RequestSummary[]): {
  text: string;
  blocks: KnownBlock[];
} {
  if (requests.length === 0) {
    const text = 'You have no open requests to cancel.';
    return { text, blocks: [section(text)] };
  }
  const shown = requests.slice(0, SHOWN);
  const blocks: KnownBlock[] = [header('Your open requests')];
  for (const r of shown) {
    blocks.push(
      section(
        `*${userText(r.packageName, 150)}* · ${r.request}\n${r.outcome} · asked ${formatDateTime(r.createdAt)}`,
        button('Cancel request', ACTION.cancelRequest, String(r.requestId)),
      ),
    );
  }
  if (requests.length > shown.length) blocks.push(context(`Showing ${shown.length} of ${requests.length}.`));
  return { text: `Your open requests: ${shown.map((r) => r.request).join(', ')}`, blocks };
}
