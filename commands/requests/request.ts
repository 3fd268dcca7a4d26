import { findPackagesByName, requestablePackages } from '../../src/services/catalog/catalog-queries.js';
import { requestStanding } from '../../src/services/requests/request-queries.js';
import { didYouMeanView, noMatchView, packagePickerView } from '../../views/requests/package-picker.js';
import { unescapeSlackText } from '../router.js';
import type { AccessCommand } from '../types.js';

const NAME_MAX = 200;

/**
 * How well a package name matches what was typed, as the engine's name search ranks it: the name
 * itself (0), a name starting with it (1), containing it (2), containing each word (3); null
 * when it doesn't match. `needle` is lower case with single spaces.
 */
export function nameRank(name: string, needle: string): number | null {
  const lower = name.toLowerCase();
  if (lower === needle) return 0;
  if (lower.startsWith(needle)) return 1;
  if (lower.includes(needle)) return 2;
  return needle.split(' ').every((word) => lower.includes(word)) ? 3 : null;
}

/**
 * `/access request [package]`: no name → a pick list of what the person may request; one match
 * (or an exact name) → the request modal; several → "Did you mean…" with a Request button each;
 * none → a sentence saying so. What the person may request is read once and matched here, side
 * by side with what they hold and asked for (the modal's refusals need it); the engine's name
 * search runs only to say why nothing matched (it exists, but isn't open to them).
 */
export const requestCommand: AccessCommand = {
  name: 'request',
  usage: 'request [package]',
  summary: 'ask for an access package (no name: pick from a list)',
  audience: 'everyone',
  async run(call) {
    const { engine, userId } = call;
    const text = unescapeSlackText(call.args).replace(/\s+/g, ' ').trim().slice(0, NAME_MAX);
    if (!text) {
      return packagePickerView(
        (await requestablePackages(engine, { userId }, { userId })).map((r) => r.package),
      );
    }
    const [requestable, standing] = await Promise.all([
      requestablePackages(engine, { userId }, { userId }),
      requestStanding(engine, userId),
    ]);

    const needle = text.toLowerCase();
    const matches = requestable
      .map((entry) => ({ entry, rank: nameRank(entry.package.name, needle) }))
      .filter((m): m is { entry: (typeof requestable)[number]; rank: number } => m.rank !== null)
      .sort(
        (a, b) =>
          a.rank - b.rank ||
          a.entry.package.name.toLowerCase().localeCompare(b.entry.package.name.toLowerCase()) ||
          a.entry.package.id - b.entry.package.id,
      )
      .map((m) => m.entry);
    const exact = matches.find((m) => m.package.name.toLowerCase().replace(/\s+/g, ' ') === needle);
    const pick = exact ?? (matches.length === 1 ? matches[0] : undefined);
    if (pick) {
      // Refused (they have it, or asked already) with the reason, through the listener's boundary.
      await call.slack.openRequestModal(pick, standing);
      return null;
    }
    if (matches.length > 1)
      return didYouMeanView(
        text,
        matches.map((m) => m.package),
      );
    return noMatchView(text, await findPackagesByName(engine, { userId }, { text }));
  },
};
