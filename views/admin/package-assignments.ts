import type { Button, KnownBlock, ModalView } from '@slack/types';
import type { AssignmentState } from '../../src/domain/states.js';
import { button, context, header, plain, section } from '../blocks.js';
import { ACTION, CALLBACK } from '../ids.js';
import { formatDate, mention, truncate, userText } from '../mrkdwn.js';
import { type Notice, noticeBlock } from '../notice.js';
import type { AdminReply } from './reply.js';

export interface PackageAssignmentRow {
  assignmentId: number;
  userId: string;
  state: AssignmentState;
  startsAt: Date | string;
  endsAt: Date | string | null;
}

/** A message holds 50 blocks: a header, a notice, the rows and a footer. */
export const ASSIGNMENTS_PAGE = 40;

const STATE_WORDS: Partial<Record<AssignmentState, string>> = {
  delivering: ' · _being set up_',
  delivery_failed: ' · _delivery failed_',
};

/** The Remove button's value: the package (to refresh the list) and the assignment, ids only. */
export function removeValue(packageId: number, assignmentId: number): string {
  return `${packageId}:${assignmentId}`;
}

function removeButton(row: PackageAssignmentRow, pkg: PackageLabel): Button {
  const packageName = pkg.name;
  return {
    ...button('Remove', ACTION.removeAssignment, removeValue(pkg.id, row.assignmentId), 'danger'),
    confirm: {
      title: plain('Remove access?', 100),
      text: {
        type: 'mrkdwn',
        text: truncate(`${mention(row.userId)} loses ${userText(packageName, 150)} and what it grants.`, 300),
      },
      confirm: plain('Remove', 30),
      deny: plain('Keep', 30),
      style: 'danger',
    },
  };
}

/** `/access assignments <package>`: who holds it, until when, each with Remove. */
export interface PackageLabel {
  id: number;
  name: string;
}

export function packageAssignmentsBlocks(
  pkg: PackageLabel,
  rows: readonly PackageAssignmentRow[],
  notice?: Notice,
  pageSize = ASSIGNMENTS_PAGE,
): KnownBlock[] {
  const packageName = pkg.name;
  const blocks: KnownBlock[] = [header(`Who has ${packageName}`)];
  if (notice) blocks.push(noticeBlock(notice));
  if (rows.length === 0) {
    blocks.push(section(`Nobody has *${userText(packageName, 140)}* right now.`));
    return blocks;
  }
  for (const row of rows.slice(0, pageSize)) {
    const until = row.endsAt ? `until ${formatDate(row.endsAt)}` : 'no end date';
    blocks.push(
      section(
        `${mention(row.userId)} · since ${formatDate(row.startsAt)} · ${until}${STATE_WORDS[row.state] ?? ''}`,
        removeButton(row, pkg),
      ),
    );
  }
  blocks.push(
    context(
      rows.length > pageSize
        ? `Showing ${pageSize} of ${rows.length}, soonest end first. \`/access remove @person ${userText(packageName, 80)}\` removes anyone.`
        : `${rows.length} ${rows.length === 1 ? 'person' : 'people'}, soonest end first.`,
    ),
  );
  return blocks;
}

export function packageAssignmentsView(
  pkg: PackageLabel,
  rows: readonly PackageAssignmentRow[],
  notice?: Notice,
): AdminReply {
  const packageName = pkg.name;
  return {
    text: truncate(
      `${notice ? `${notice.mrkdwn} ` : ''}${rows.length} ${rows.length === 1 ? 'person has' : 'people have'} ${userText(packageName, 140)}.`,
      3000,
    ),
    blocks: packageAssignmentsBlocks(pkg, rows, notice),
  };
}

/** What the package list modals carry: the package and which list they show. */
export interface PackageListMetadata {
  packageId: number;
  list: 'requests' | 'assignments';
}

/** The Home tab's shortcuts show the same lists in a modal. */
export function packageListModal(
  title: string,
  blocks: KnownBlock[],
  metadata: PackageListMetadata,
): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.packageList,
    title: plain(title, 24),
    close: plain('Close', 24),
    private_metadata: JSON.stringify(metadata),
    blocks: blocks.slice(0, 100),
  };
}
