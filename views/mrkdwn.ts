/**
 * User text going into mrkdwn: `&`, `<` and `>` are escaped so nothing typed by a person becomes
 * a mention (`<@U…>`, `<!channel>`), a link or a channel reference; Slack shows the characters as
 * typed. Formatting characters are left alone: *bold* in a justification stays harmless text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Cuts text to `max` characters (Slack counts characters), marking the cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escaped and cut: for user text inside a section. */
export function userText(text: string, max = 1500): string {
  return escapeMrkdwn(truncate(text, max));
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** `2026-02-04` — dates in UTC, as the engine keeps them. */
export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return 'no end date';
  return new Date(value).toISOString().slice(0, 10);
}

/** `2026-02-04 14:05 UTC` */
export function formatDateTime(value: Date | string): string {
  return `${new Date(value).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
