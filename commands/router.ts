import type { AccessCommand } from './types.js';

/** Splits `/access` text into a sub-command and its arguments; unknown words get help. */
export function routeAccessCommand(
  commands: readonly AccessCommand[],
  text: string,
): { command: AccessCommand | null; args: string } {
  const normalized = text.replace(/\s+/g, ' ').trim();
  const lower = normalized.toLowerCase();
  const candidates = commands
    .flatMap((command) => [command.name, ...(command.aliases ?? [])].map((word) => ({ command, word })))
    .sort((a, b) => b.word.length - a.word.length);
  for (const { command, word } of candidates) {
    if (lower === word || lower.startsWith(`${word} `)) {
      return { command, args: normalized.slice(word.length).trim() };
    }
  }
  return { command: null, args: normalized };
}

/** `<@U123|alice>` or `<@U123>` → `U123`; null when the text is not a mention or a user id. */
export function parseUserMention(text: string): string | null {
  const match =
    /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim()) ?? /^([UW][A-Z0-9]{2,})$/.exec(text.trim());
  return match ? match[1]! : null;
}

/** Slack escapes `&`, `<`, `>` in command text; names are matched on what the person typed. */
export function unescapeSlackText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
