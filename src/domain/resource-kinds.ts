/** What a resource can be: a Slack user group or channel, an app behind a webhook, an LDAP group. */
export const RESOURCE_KINDS = ['slack_usergroup', 'slack_channel', 'webhook', 'ldap_group'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A kind in words, as messages and lists name it: "the user group Marketing". */
export const RESOURCE_KIND_WORDS: Readonly<Record<ResourceKind, string>> = {
  slack_usergroup: 'user group',
  slack_channel: 'channel',
  webhook: 'webhook',
  ldap_group: 'directory group',
};
