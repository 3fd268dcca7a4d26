import type { KnownBlock } from '@slack/types';
import { formatRequestId } from '../../src/domain/states.js';
import { actions, button, context, header, lineSections, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { formatDateTime, mention, truncate, userText } from '../mrkdwn.js';
import type { AdminReply } from './reply.js';

export interface AuditRow {
  id: number;
  at: Date | string;
  actorId: string;
  action: string;
  requestId: number | null;
  subjectUserId: string | null;
  data: Record<string, unknown>;
}

/** Whose trail: a package's or a person's. The button value carries it with the next offset. */
export type AuditTarget = { packageId: number; packageName: string } | { userId: string };

export const AUDIT_PAGE_SIZE = 40;
const LINES_PER_SECTION = 10;

export function auditPageValue(target: AuditTarget, offset: number): string {
  return 'packageId' in target ? `p:${target.packageId}:${offset}` : `u:${target.userId}:${offset}`;
}

function who(userId: string): string {
  return userId === 'system' ? 'Gatehouse' : mention(userId);
}

/** A few telling details of an event, escaped: data holds names and notes people typed. */
function details(data: Record<string, unknown>): string {
  const parts: string[] = [];
  const pick = (key: string) =>
    typeof data[key] === 'string' || typeof data[key] === 'number' ? String(data[key]) : null;
  const to = pick('to');
  if (to) parts.push(`→ ${userText(to, 40)}`);
  for (const key of ['name', 'role', 'resource', 'reason', 'note']) {
    const value = pick(key);
    if (value) parts.push(`${key}: ${userText(value, 80)}`);
  }
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

function auditLine(row: AuditRow): string {
  const request = row.requestId ? ` · ${formatRequestId(row.requestId)}` : '';
  const about = row.subjectUserId ? ` · about ${who(row.subjectUserId)}` : '';
  return `\`${formatDateTime(row.at)}\` ${who(row.actorId)} · *${userText(row.action, 60)}*${request}${about}${details(row.data)}`;
}

/** `/access audit <package|@person>`: newest first, a page at a time (a message holds 50 blocks). */
export function auditView(
  target: AuditTarget,
  page: readonly AuditRow[],
  offset: number,
  hasMore: boolean,
): AdminReply {
  const title = 'packageId' in target ? `Audit trail of ${target.packageName}` : 'Audit trail';
  // The header is plain_text; the fallback text is parsed as mrkdwn.
  const textTitle =
    'packageId' in target ? `Audit trail of ${userText(target.packageName, 140)}` : 'Audit trail';
  const blocks: KnownBlock[] = [header(title)];
  if ('userId' in target)
    blocks.push(section(`Everything done by or about ${mention(target.userId)}, newest first.`));
  if (page.length === 0) {
    blocks.push(section(offset === 0 ? 'Nothing has happened here yet.' : 'No older events.'));
    return { text: `${textTitle}: nothing yet`, blocks };
  }
  blocks.push(...lineSections(page.map(auditLine), LINES_PER_SECTION));
  blocks.push(context(`Events ${offset + 1}–${offset + page.length}, newest first.`));
  if (hasMore) {
    blocks.push(
      actions('audit_nav', [
        button('Older events', ACTION.auditPage, auditPageValue(target, offset + page.length)),
      ]),
    );
  }
  return { text: truncate(`${textTitle}: ${page.length} events`, 3000), blocks };
}
