import type { HomeView, KnownBlock, SectionBlock } from '@slack/types';
import type { RequestablePackage } from '../../src/services/catalog/catalog-queries.js';
import type { MyAssignment, RequestSummary } from '../../src/services/requests/request-queries.js';
import type { AwaitingReview } from '../../src/services/reviews/review-queries.js';
import { actions, button, context, divider, header, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { formatDate, formatDateTime, mention, userText } from '../mrkdwn.js';
import { type Notice, noticeBlock } from '../notice.js';
import { assignmentBlocks, openRequestBlock } from './access-blocks.js';
import {
  HOME_PAGE_SIZE,
  type HomeMetadata,
  type HomePages,
  type HomeSection,
  homePageValue,
  type Page,
  pageOf,
} from './home-pages.js';
import { reviewItemBlocks } from './review-items.js';

/** How many requests waiting on the person's approval the Home tab names. */
export const HOME_APPROVALS_SHOWN = 5;

export interface HomeApproval {
  requestId: number;
  request: string;
  packageName: string;
  requestor: string | null;
  dueAt: Date | null;
}

export interface HomeManagedPackage {
  id: number;
  name: string;
  catalogName: string;
  hidden: boolean;
  activeAssignmentCount: number;
}

export interface HomeInput {
  userId: string;
  requestable: readonly RequestablePackage[];
  assignments: readonly MyAssignment[];
  openRequests: readonly RequestSummary[];
  approvals: readonly HomeApproval[];
  reviews: readonly AwaitingReview[];
  /** Admins and catalog role holders only. */
  manage: { canCreatePackages: boolean; packages: readonly HomeManagedPackage[] } | null;
  pages?: HomePages;
  notice?: Notice;
}

/**
 * The Home tab, the My Access portal: what I can request, what I have, what I asked for, what
 * waits on me, and shortcuts for those who manage packages. Long sections page with a "More"
 * button, so the view stays within 100 blocks (at most 77) whatever the numbers.
 */
export function homeView(input: HomeInput): HomeView & { private_metadata: string } {
  const pages = input.pages ?? {};
  const blocks: KnownBlock[] = [
    header('My Access'),
    context(`Your access in Gatehouse, ${mention(input.userId)}. \`/access help\` lists every command.`),
  ];
  if (input.notice) blocks.push(noticeBlock(input.notice));

  blocks.push(...catalogSection(input.requestable, pages.catalog));
  blocks.push(divider(), ...accessSection(input.assignments, pages.access));
  blocks.push(divider(), ...requestsSection(input.openRequests, pages.requests));
  blocks.push(divider(), ...approvalsSection(input.approvals));
  blocks.push(divider(), ...reviewsSection(input.reviews, input.userId, pages.reviews));
  if (input.manage) blocks.push(divider(), ...manageSection(input.manage, pages.manage));

  const metadata: HomeMetadata = { pages };
  return { type: 'home', blocks, private_metadata: JSON.stringify(metadata) };
}

function moreBlock(sectionName: HomeSection, page: Page<unknown>, what: string): SectionBlock[] {
  if (page.total <= HOME_PAGE_SIZE[sectionName]) return [];
  const next = page.hasMore ? page.page + 1 : 0;
  return [
    {
      ...section(
        `Showing ${page.first}–${page.last} of ${page.total} ${what}.`,
        button(
          page.hasMore ? 'More' : 'Back to the first',
          ACTION.homePage,
          homePageValue(sectionName, next),
        ),
      ),
      block_id: `more_${sectionName}`,
    },
  ];
}

function catalogSection(packages: readonly RequestablePackage[], pageNumber: number | undefined) {
  const blocks: KnownBlock[] = [header('Access you can request')];
  if (packages.length === 0) {
    blocks.push(context('There is nothing you can request right now. If you need access, ask an admin.'));
    return blocks;
  }
  const page = pageOf(packages, pageNumber, HOME_PAGE_SIZE.catalog);
  for (const p of page.shown) {
    const description = p.package.description ? `\n${userText(p.package.description, 150)}` : '';
    blocks.push({
      ...section(
        `*${userText(p.package.name, 150)}*${description}\n_${userText(p.package.catalogName, 80)}_`,
        button('Request', ACTION.requestPackage, String(p.package.id), 'primary'),
      ),
      block_id: `catalog_${p.package.id}`,
    });
  }
  blocks.push(...moreBlock('catalog', page, 'packages'));
  return blocks;
}

function accessSection(assignments: readonly MyAssignment[], pageNumber: number | undefined) {
  const blocks: KnownBlock[] = [header('My access')];
  if (assignments.length === 0) {
    blocks.push(context("You don't have any access packages yet."));
    return blocks;
  }
  const page = pageOf(assignments, pageNumber, HOME_PAGE_SIZE.access);
  for (const a of page.shown) blocks.push(...assignmentBlocks(a));
  blocks.push(...moreBlock('access', page, 'packages, soonest end first'));
  return blocks;
}

function requestsSection(requests: readonly RequestSummary[], pageNumber: number | undefined) {
  const blocks: KnownBlock[] = [header('My open requests')];
  if (requests.length === 0) {
    blocks.push(context('No open requests. `/access history` shows how past ones ended.'));
    return blocks;
  }
  const page = pageOf(requests, pageNumber, HOME_PAGE_SIZE.requests);
  for (const r of page.shown) blocks.push(openRequestBlock(r));
  blocks.push(...moreBlock('requests', page, 'open requests'));
  return blocks;
}

function approvalsSection(approvals: readonly HomeApproval[]) {
  const blocks: KnownBlock[] = [header('Waiting for my approval')];
  if (approvals.length === 0) {
    blocks.push(context('Nothing waits on your approval.'));
    return blocks;
  }
  const lines = approvals.slice(0, HOME_APPROVALS_SHOWN).map((a) => {
    const who = a.requestor ? ` for ${mention(a.requestor)}` : '';
    const due = a.dueAt ? ` · decide by ${formatDateTime(a.dueAt)}` : '';
    return `• ${a.request} · *${userText(a.packageName, 150)}*${who}${due}`;
  });
  const count = approvals.length === 1 ? '1 request waits' : `${approvals.length} requests wait`;
  blocks.push(section(`*${count} for your decision*\n${lines.join('\n')}`));
  blocks.push(
    context(
      approvals.length > HOME_APPROVALS_SHOWN
        ? `Showing ${HOME_APPROVALS_SHOWN} of ${approvals.length}. \`/access approvals\` lists them all with Approve / Deny.`
        : '`/access approvals` lists them with Approve / Deny.',
    ),
  );
  return blocks;
}

function reviewsSection(reviews: readonly AwaitingReview[], userId: string, pageNumber: number | undefined) {
  const blocks: KnownBlock[] = [header('Reviews waiting on me')];
  const items = reviews.flatMap((review) => review.items.map((item) => ({ review, item })));
  if (items.length === 0) {
    blocks.push(context('No access review waits on you.'));
    return blocks;
  }
  const undecided = reviews.reduce((n, r) => n + r.undecided, 0);
  const soonest = new Date(Math.min(...reviews.map((r) => r.deadline.getTime())));
  blocks.push(
    context(
      `${reviews.length === 1 ? '1 review' : `${reviews.length} reviews`}: ${items.length} to review, ${undecided} not decided yet. The first is due ${formatDate(soonest)}; decisions apply when a review ends.`,
    ),
  );
  const page = pageOf(items, pageNumber, HOME_PAGE_SIZE.reviews);
  for (const { review, item } of page.shown) blocks.push(...reviewItemBlocks(review, item, userId, true));
  blocks.push(...moreBlock('reviews', page, 'people to review'));
  return blocks;
}

function manageSection(manage: NonNullable<HomeInput['manage']>, pageNumber: number | undefined) {
  const blocks: KnownBlock[] = [header('Packages I manage')];
  if (manage.canCreatePackages) {
    blocks.push(actions('manage_new', [button('New access package', ACTION.openWizard, 'new', 'primary')]));
  }
  if (manage.packages.length === 0) {
    blocks.push(context('There are no access packages in your catalogs yet.'));
    return blocks;
  }
  const page = pageOf(manage.packages, pageNumber, HOME_PAGE_SIZE.manage);
  for (const p of page.shown) {
    const hidden = p.hidden ? ' · hidden' : '';
    const holders =
      p.activeAssignmentCount === 1 ? '1 person has it' : `${p.activeAssignmentCount} people have it`;
    blocks.push(
      section(`*${userText(p.name, 150)}* · _${userText(p.catalogName, 80)}_${hidden} · ${holders}`),
      actions(`manage_${p.id}`, [
        button('Requests', ACTION.showPackageRequests, String(p.id)),
        button('Assignments', ACTION.showPackageAssignments, String(p.id)),
      ]),
    );
  }
  blocks.push(...moreBlock('manage', page, 'packages'));
  return blocks;
}
