import type { KnownBlock } from '@slack/types';
import { describeRole } from '../../src/domain/roles.js';
import type { CatalogSummary } from '../../src/services/catalog/catalogs.js';
import { context, header, section } from '../blocks.js';
import { escapeMrkdwn, truncate, userText } from '../mrkdwn.js';

/** `/access catalog list`: the catalogs a person can see, with their roles and counts. */
export function catalogListView(catalogs: readonly CatalogSummary[]): { text: string; blocks: KnownBlock[] } {
  if (catalogs.length === 0) {
    const text = "You don't hold a role in any catalog. Catalog owners and admins can give you one.";
    return { text, blocks: [section(text)] };
  }
  const shown = catalogs.slice(0, 45);
  const blocks: KnownBlock[] = [header('Catalogs')];
  for (const c of shown) {
    const roles = c.myRoles.length ? ` · you: ${c.myRoles.map(describeRole).join(', ')}` : '';
    const description = c.description ? `\n${userText(c.description, 300)}` : '';
    blocks.push(
      section(
        `*${userText(c.name, 150)}* — ${c.packageCount} package${c.packageCount === 1 ? '' : 's'}, ${c.resourceCount} resource${c.resourceCount === 1 ? '' : 's'}${roles}${description}`,
      ),
    );
  }
  if (catalogs.length > shown.length) blocks.push(context(`Showing ${shown.length} of ${catalogs.length}.`));
  return { text: truncate(`Catalogs: ${escapeMrkdwn(shown.map((c) => c.name).join(', '))}`, 3000), blocks };
}
