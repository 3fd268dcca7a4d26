import type { KnownBlock } from '@slack/types';
import type { MyAssignment, RequestSummary } from '../../src/services/requests/request-queries.js';
import { context, header, section } from '../blocks.js';
import { escapeMrkdwn, truncate } from '../mrkdwn.js';
import { type Notice, noticeBlock } from '../notice.js';
import { assignmentBlocks, openRequestBlock } from './access-blocks.js';

/** A message holds 50 blocks: 15 packages (2 blocks each) and 10 requests leave room for the rest. */
export const MY_ACCESS_SHOWN = 15;
export const MY_REQUESTS_SHOWN = 10;

export interface MyAccessInput {
  assignments: readonly MyAssignment[];
  openRequests: readonly RequestSummary[];
  notice?: Notice;
}

/** `/access my`: what I have (with end dates, Extend, I'm done) and what I asked for (with Cancel). */
export function myAccessView(input: MyAccessInput): { text: string; blocks: KnownBlock[] } {
  const { assignments, openRequests } = input;
  const blocks: KnownBlock[] = [];
  if (input.notice) blocks.push(noticeBlock(input.notice));
  blocks.push(header('My access'));
  if (assignments.length === 0) {
    blocks.push(section("You don't have any access packages. `/access list` shows what you can request."));
  } else {
    for (const a of assignments.slice(0, MY_ACCESS_SHOWN)) blocks.push(...assignmentBlocks(a));
    if (assignments.length > MY_ACCESS_SHOWN) {
      blocks.push(
        context(
          `Showing the ${MY_ACCESS_SHOWN} that end soonest of ${assignments.length}. The Home tab of Gatehouse lists them all.`,
        ),
      );
    }
  }
  if (openRequests.length > 0) {
    blocks.push(header('My open requests'));
    for (const r of openRequests.slice(0, MY_REQUESTS_SHOWN)) blocks.push(openRequestBlock(r));
    if (openRequests.length > MY_REQUESTS_SHOWN) {
      blocks.push(
        context(`Showing the newest ${MY_REQUESTS_SHOWN} of ${openRequests.length} open requests.`),
      );
    }
  }
  blocks.push(context('`/access history` shows every request you made and how it ended.'));
  const summary =
    assignments.length === 0
      ? "You don't have any access packages."
      : `You have ${escapeMrkdwn(assignments.map((a) => a.packageName).join(', '))}.`;
  const pending = openRequests.length ? ` ${openRequests.length} open request(s).` : '';
  return { text: truncate(`${summary}${pending}`, 3000), blocks };
}
