import type { KnownBlock } from '@slack/types';
import { button, context, plain, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { truncate, userText } from '../mrkdwn.js';

/** A package a person may request, as the pickers show it. */
export interface PickablePackage {
  id: number;
  name: string;
  description: string;
}

export const PICK_LIST_MAX = 100;
const DID_YOU_MEAN_MAX = 10;

/** `/access request` with no name: a pick list of everything the person may request (≤ 100). */
export function packagePickerView(packages: readonly PickablePackage[]): {
  text: string;
  blocks: KnownBlock[];
} {
  if (packages.length === 0) {
    const text = 'There is nothing you can request right now. If you need access to something, ask an admin.';
    return { text, blocks: [section(text)] };
  }
  const shown = packages.slice(0, PICK_LIST_MAX);
  const blocks: KnownBlock[] = [
    section('*Which access do you need?* Pick a package to open its request form.', {
      type: 'static_select',
      action_id: ACTION.requestPackage,
      placeholder: plain('Pick a package', 150),
      options: shown.map((p) => ({ text: plain(p.name), value: String(p.id) })),
    }),
  ];
  if (packages.length > shown.length) {
    blocks.push(
      context(
        `Showing ${shown.length} of ${packages.length}. Ask for one by name: \`/access request <package>\`.`,
      ),
    );
  }
  return { text: 'Pick the access package you want to request.', blocks };
}

/** Several packages match what was typed: each with its Request button. */
export function didYouMeanView(
  typed: string,
  packages: readonly PickablePackage[],
): { text: string; blocks: KnownBlock[] } {
  const shown = packages.slice(0, DID_YOU_MEAN_MAX);
  const blocks: KnownBlock[] = [section(`Several packages match “${userText(typed, 100)}”. Did you mean…`)];
  for (const p of shown) {
    const description = p.description ? `\n${userText(p.description, 300)}` : '';
    blocks.push(
      section(
        `*${userText(p.name, 150)}*${description}`,
        button('Request', ACTION.requestPackage, String(p.id), 'primary'),
      ),
    );
  }
  const names = shown.map((p) => userText(p.name, 150)).join(', ');
  return { text: truncate(`Did you mean: ${names}?`, 3000), blocks };
}

/** Nothing the person may request matches: say so, and whether it exists but isn't open to them. */
export function noMatchView(
  typed: string,
  existing: readonly PickablePackage[],
): { text: string; blocks: KnownBlock[] } {
  const what = userText(typed, 100);
  const first = existing[0];
  const text = first
    ? `You can't request *${userText(first.name, 150)}*: none of its policies lets you ask for it. Ask an admin if you need it.`
    : `There is no access package you can request called “${what}”. \`/access list\` shows what you can request.`;
  return { text: text.replaceAll('*', ''), blocks: [section(text)] };
}
