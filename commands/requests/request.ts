import { findPackagesByName, requestablePackages } from '../../src/services/catalog/catalog-queries.js';
import { openRequestModal } from '../../src/slack/listeners/requests/open-request-modal.js';
import { section } from '../../views/blocks.js';
import { didYouMeanView, noMatchView, packagePickerView } from '../../views/requests/package-picker.js';
import { unescapeSlackText } from '../router.js';
import type { AccessCommand } from '../types.js';

const NAME_MAX = 200;

/**
 * `/access request [package]`: no name → a pick list of what the person may request; one match
 * (or an exact name) → the request modal; several → "Did you mean…" with a Request button each;
 * none → a sentence saying so.
 */
export const requestCommand: AccessCommand = {
  name: 'request',
  usage: 'request [package]',
  summary: 'ask for an access package (no name: pick from a list)',
  audience: 'everyone',
  async run(call) {
    const { ctx, userId } = call;
    const requestable = await requestablePackages(ctx.engine, { userId }, { userId });
    const typed = unescapeSlackText(call.args).replace(/\s+/g, ' ').trim().slice(0, NAME_MAX);
    if (!typed) return packagePickerView(requestable.map((r) => r.package));

    const found = await findPackagesByName(ctx.engine, { userId }, { text: typed });
    const byId = new Map(requestable.map((r) => [r.package.id, r]));
    const matches = found.filter((f) => byId.has(f.id));
    const exact = matches.find((m) => m.name.toLowerCase().replace(/\s+/g, ' ') === typed.toLowerCase());
    const pick = exact ?? (matches.length === 1 ? matches[0] : undefined);
    if (pick) {
      const blocked = await openRequestModal(ctx, call.client, {
        userId,
        triggerId: call.triggerId,
        entry: byId.get(pick.id)!,
      });
      return blocked ? { text: blocked, blocks: [section(blocked)] } : null;
    }
    if (matches.length > 1) return didYouMeanView(typed, matches);
    return noMatchView(typed, found);
  },
};
