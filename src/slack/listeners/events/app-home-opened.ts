import type { App } from '@slack/bolt';
import { z } from 'zod';
import { markHomeOpened } from '../../../services/catalog/users.js';
import { homeMetadataOf } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { refreshHome } from '../../portal/home.js';

const homeOpened = z.object({
  user: z.string().regex(/^[UW][A-Z0-9]+$/),
  tab: z.string().optional(),
  view: z.object({ private_metadata: z.string().optional() }).nullish(),
});

/**
 * `app_home_opened`: the Home tab (not the Messages tab) is the My Access portal. It fires on
 * every open, so a view identical to the one shown is not published again.
 */
export function register(app: App, ctx: SlackContext): void {
  app.event('app_home_opened', async ({ event, client }) => {
    const parsed = homeOpened.safeParse(event);
    if (!parsed.success || parsed.data.tab !== 'home') return;
    const { user: userId, view } = parsed.data;
    await ensureUser(ctx, client, userId);
    try {
      await markHomeOpened(ctx.engine, userId);
    } catch (error) {
      ctx.log.warn(
        { slackUser: userId, err: error instanceof Error ? error.message : String(error) },
        'could not mark the Home tab opened',
      );
    }
    const shown = view ? homeMetadataOf(view.private_metadata) : undefined;
    await refreshHome(ctx, client, userId, {
      force: true,
      ...(shown?.hash ? { currentHash: shown.hash, pages: shown.pages } : {}),
    });
  });
}
