import type { KnownBlock } from '@slack/types';
import type { RequestablePackage } from '../../src/services/catalog/catalog-queries.js';
import { button, context, header, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { truncate, userText } from '../mrkdwn.js';

/** Messages hold at most 50 blocks: a header, one section per package, and a footer. */
export const LIST_PAGE_SIZE = 40;

/** `/access list`: the packages a person may request, each with a Request button. */
export function requestablePackagesView(packages: readonly RequestablePackage[]): {
  text: string;
  blocks: KnownBlock[];
} {
  if (packages.length === 0) {
    return {
      text: 'There is nothing you can request right now. If you need access to something, ask an admin.',
      blocks: [
        section('There is nothing you can request right now. If you need access to something, ask an admin.'),
      ],
    };
  }
  const shown = packages.slice(0, LIST_PAGE_SIZE);
  const blocks: KnownBlock[] = [header('Access you can request')];
  for (const p of shown) {
    const description = p.package.description ? `\n${userText(p.package.description, 300)}` : '';
    blocks.push(
      section(
        `*${userText(p.package.name, 150)}*${description}\n_${userText(p.package.catalogName, 80)}_`,
        button('Request', ACTION.requestPackage, String(p.package.id), 'primary'),
      ),
    );
  }
  if (packages.length > shown.length) {
    blocks.push(
      context(
        `Showing ${shown.length} of ${packages.length}. Ask for one by name: \`/access request <package>\`.`,
      ),
    );
  }
  const names = shown.map((p) => userText(p.package.name, 150)).join(', ');
  return { text: truncate(`You can request: ${names}`, 3000), blocks };
}
