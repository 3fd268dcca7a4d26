import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Notice } from '../../../views/notice.js';
import { type HomeInput, homeView } from '../../../views/portal/home.js';
import type { HomeMetadata, HomePages } from '../../../views/portal/home-pages.js';
import { formatRequestId } from '../../domain/states.js';
import { holdsAnyRole, isGlobalAdmin } from '../../services/authz.js';
import { listPackages, requestablePackages } from '../../services/catalog/catalog-queries.js';
import { listCatalogs } from '../../services/catalog/catalogs.js';
import { getUser } from '../../services/catalog/users.js';
import { myAssignments, myRequests, requestsAwaiting } from '../../services/requests/request-queries.js';
import { reviewsAwaiting } from '../../services/reviews/review-queries.js';
import type { SlackContext } from '../context.js';

/** What the Home needs of the app: the notifier can pass `{ engine: deps, log }`. */
export type HomeContext = Pick<SlackContext, 'engine' | 'log'>;

/** Everything the Home tab shows, read from the engine (one query after another: PGlite has one connection). */
export async function loadHome(
  ctx: HomeContext,
  userId: string,
  options: { pages?: HomePages; notice?: Notice } = {},
): Promise<HomeInput> {
  const deps = ctx.engine;
  const actor = { userId };
  const requestable = await requestablePackages(deps, actor, { userId });
  const assignments = await myAssignments(deps, userId);
  const openRequests = await myRequests(deps, userId, { open: true, limit: 200 });
  const approvals = (await requestsAwaiting(deps, userId)).map((a) => ({
    requestId: a.requestId,
    request: formatRequestId(a.requestId),
    packageName: a.packageName,
    requestor: 'requestor' in a ? a.requestor : null,
    dueAt: a.dueAt,
  }));
  const reviews = await reviewsAwaiting(deps, actor, { reviewerId: userId });
  let manage: HomeInput['manage'] = null;
  if (await holdsAnyRole(deps, userId)) {
    const catalogs = await listCatalogs(deps, actor);
    const canCreatePackages =
      isGlobalAdmin(deps, actor) ||
      catalogs.some((c) => c.myRoles.includes('owner') || c.myRoles.includes('package_manager'));
    const packages = await listPackages(deps, actor, { includeHidden: true });
    manage = { canCreatePackages, packages };
  }
  return {
    userId,
    requestable,
    assignments,
    openRequests,
    approvals,
    reviews,
    manage,
    ...(options.pages ? { pages: options.pages } : {}),
    ...(options.notice ? { notice: options.notice } : {}),
  };
}

export interface RefreshOptions {
  pages?: HomePages;
  /** Shown on top, once: the answer to what the person just did from the Home tab. */
  notice?: Notice;
  /** Publish even if the person never opened the Home tab (they are opening it now). */
  force?: boolean;
  /** The hash of the view Slack shows now: an identical view is not published again. */
  currentHash?: string;
}

export type RefreshResult = 'published' | 'unchanged' | 'not_opened' | 'failed';

/**
 * The answer to a click stays on top for a minute: the refreshes that the resulting DMs trigger
 * a moment later would otherwise wipe it before the person has read it.
 */
const NOTICE_KEPT_MS = 60_000;
const notices = new Map<string, { notice: Notice; at: number }>();

function rememberNotice(userId: string, notice: Notice): void {
  if (notices.size > 5_000) notices.clear();
  notices.set(userId, { notice, at: performance.now() });
}

function recentNotice(userId: string): Notice | undefined {
  const kept = notices.get(userId);
  if (!kept) return undefined;
  if (performance.now() - kept.at > NOTICE_KEPT_MS) {
    notices.delete(userId);
    return undefined;
  }
  return kept.notice;
}

/**
 * Republishes the person's Home tab (views.publish) from the engine's current state. Only for
 * people who have opened it: the others would never see it. Never throws: the Home is a view of
 * state already committed, and the next open publishes it again.
 */
export async function refreshHome(
  ctx: HomeContext,
  client: WebClient,
  userId: string,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const log = ctx.log.child({ slackUser: userId, view: 'home' });
  try {
    if (!options.force) {
      const user = await getUser(ctx.engine, { userId }, { id: userId });
      if (!user?.homeOpenedAt) return 'not_opened';
    }
    const notice = options.notice ?? recentNotice(userId);
    if (options.notice) rememberNotice(userId, options.notice);
    const view = homeView(await loadHome(ctx, userId, { ...options, ...(notice ? { notice } : {}) }));
    const hash = createHash('sha256').update(JSON.stringify(view.blocks)).digest('hex').slice(0, 16);
    if (options.currentHash === hash) return 'unchanged';
    const metadata: HomeMetadata = { pages: options.pages ?? {}, hash };
    await client.views.publish({
      user_id: userId,
      view: { ...view, private_metadata: JSON.stringify(metadata) },
    });
    return 'published';
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'publishing the Home tab failed',
    );
    return 'failed';
  }
}
