import type { KnownBlock } from '@slack/types';
import type { Request } from '../../src/db/schema.js';
import { context, header, lineSections, section } from '../blocks.js';
import { formatDate, mention, truncate, userText } from '../mrkdwn.js';
import type { AdminReply } from './reply.js';

export interface PackageRequestRow {
  request: string;
  type: Request['type'];
  userId: string;
  requestedBy: string;
  /** The policy the request was made under; null for removals. */
  policyName: string | null;
  /** The engine's wording: Delivered, Expired, Removed, Denied… */
  outcome: string;
  createdAt: Date | string;
}

const TYPE_WORDS: Record<Request['type'], string> = {
  user_add: '',
  user_extend: 'extension',
  user_remove: 'gave it up',
  admin_add: 'assigned by',
  admin_remove: 'removed by',
  system_remove: 'removed by Gatehouse',
};

/** Lines per section: each stays well under Slack's 3000 characters. */
const LINES_PER_SECTION = 15;

function requestLine(r: PackageRequestRow): string {
  const policy = r.policyName ? userText(r.policyName, 60) : '—';
  const by =
    r.type === 'admin_add' || r.type === 'admin_remove'
      ? ` (${TYPE_WORDS[r.type]} ${mention(r.requestedBy)})`
      : TYPE_WORDS[r.type]
        ? ` (${TYPE_WORDS[r.type]})`
        : '';
  return `*${r.request}* · ${mention(r.userId)} · ${policy} · *${userText(r.outcome, 40)}* · ${formatDate(r.createdAt)}${by}`;
}

/** `/access requests <package>`: who asked, under which policy, how it ended — newest first. */
export function packageRequestsView(
  packageName: string,
  rows: readonly PackageRequestRow[],
  total: number,
): AdminReply {
  const name = userText(packageName, 140);
  if (rows.length === 0) {
    const text = `Nobody has requested ${name} yet.`;
    return { text, blocks: [section(`Nobody has requested *${name}* yet.`)] };
  }
  const blocks: KnownBlock[] = [header(`Requests for ${packageName}`)];
  blocks.push(...lineSections(rows.map(requestLine), LINES_PER_SECTION));
  blocks.push(
    context(
      total > rows.length
        ? `Newest ${rows.length} of ${total > 100 ? 'more than 100' : total}. Request · person · policy · status · date.`
        : 'Request · person · policy · status · date.',
    ),
  );
  const first = rows[0]!;
  return {
    text: truncate(
      `Requests for ${name}: ${rows.length}. Latest: ${first.request}, ${first.policyName ? userText(first.policyName, 60) : '—'}, ${userText(first.outcome, 40)}`,
      3000,
    ),
    blocks,
  };
}
