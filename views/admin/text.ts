import { escapeMrkdwn, mention } from '../mrkdwn.js';

export { engineText } from '../engine-text.js';

/** A Slack user group as Slack shows it (`@marketing-resources`), from its id. */
export function usergroupMention(usergroupId: string): string {
  return /^S[A-Z0-9]{2,}$/.test(usergroupId) ? `<!subteam^${usergroupId}>` : escapeMrkdwn(usergroupId);
}

/** A channel as Slack shows it (`#marketing-campaign`), from its id. */
export function channelMention(channelId: string): string {
  return /^[CG][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** `a, b and c`; `none` for an empty list. */
export function listWords(items: readonly string[], none = 'none'): string {
  if (items.length === 0) return none;
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function people(userIds: readonly string[], none = 'nobody'): string {
  return listWords(userIds.map(mention), none);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
