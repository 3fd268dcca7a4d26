import type { App } from '@slack/bolt';
import { option } from '../../../../views/admin/inputs.js';
import { ACTION } from '../../../../views/ids.js';
import type { UsergroupDirectory } from '../../admin/usergroups.js';
import type { SlackContext } from '../../context.js';

/** Slack shows at most 100 options. */
const MAX_OPTIONS = 100;

/**
 * The type-ahead of the wizard's user group pickers (block_suggestion): every user group whose
 * name or handle contains what was typed, at most 100, so any size of workspace fits.
 */
export function register(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.options(ACTION.pickUsergroups, async ({ ack, body, client }) => {
    const typed = (typeof body.value === 'string' ? body.value : '').trim().toLowerCase();
    try {
      const groups = await directory.list(client);
      const matching = groups.filter(
        (g) => g.name.toLowerCase().includes(typed) || g.handle.toLowerCase().includes(typed),
      );
      await ack({
        options: matching
          .slice(0, MAX_OPTIONS)
          .map((g) => option(g.name, g.id, g.handle ? `@${g.handle}` : undefined)),
      });
    } catch (error) {
      ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'usergroups.list failed');
      await ack({ options: [] });
    }
  });
}
