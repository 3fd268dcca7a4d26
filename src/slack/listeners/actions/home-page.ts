import type { App } from '@slack/bolt';
import { ACTION } from '../../../../views/ids.js';
import { homePageValueSchema } from '../../../../views/portal/home-pages.js';
import { parseClick } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { ensureUser } from '../../directory.js';
import { refreshHome } from '../../portal/home.js';

/** "More" in a Home tab section: the next page of that section, the others stay where they were. */
export function register(app: App, ctx: SlackContext): void {
  app.action(ACTION.homePage, async ({ ack, body, client }) => {
    await ack();
    const click = parseClick(body);
    await ensureUser(ctx, client, click.userId);
    const target = homePageValueSchema.safeParse(click.value);
    const pages = click.origin.kind === 'home' ? click.origin.pages : {};
    await refreshHome(ctx, client, click.userId, {
      force: true,
      pages: target.success ? { ...pages, [target.data.section]: target.data.page } : pages,
    });
  });
}
