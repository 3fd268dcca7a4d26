import type { KnownBlock } from '@slack/types';
import { RESOURCE_KIND_WORDS as KIND_WORDS } from '../../src/domain/resource-kinds.js';
import type { ResourceView } from '../../src/services/catalog/resources.js';
import { context, header, section } from '../blocks.js';
import { escapeMrkdwn, truncate, userText } from '../mrkdwn.js';
import type { AdminReply } from './reply.js';
import { channelMention, usergroupMention } from './text.js';

function resourceLine(r: ResourceView): string {
  const where =
    r.kind === 'slack_usergroup'
      ? usergroupMention(r.externalId)
      : r.kind === 'slack_channel'
        ? channelMention(r.externalId)
        : `\`${escapeMrkdwn(r.externalId)}\``;
  const roles =
    r.kind === 'webhook' ? ` · roles ${r.roles.map((role) => userText(role, 40)).join(', ')}` : '';
  return `• *${userText(r.name, 80)}* (${KIND_WORDS[r.kind]}, ${where})${roles}`;
}

/** `/access resource list [catalog]`: each catalog's resources. */
export function resourceListView(
  catalogs: readonly { name: string; resources: readonly ResourceView[] }[],
): AdminReply {
  if (catalogs.length === 0) {
    const text = "You don't hold a role in any catalog, so there are no resources to show.";
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [header('Resources')];
  for (const catalog of catalogs.slice(0, 45)) {
    const lines = catalog.resources.map(resourceLine);
    blocks.push(
      section(
        truncate(
          `*${userText(catalog.name, 80)}*\n${lines.length ? lines.join('\n') : '_no resources yet_'}`,
          3000,
        ),
      ),
    );
  }
  if (catalogs.length > 45) blocks.push(context(`Showing 45 of ${catalogs.length} catalogs.`));
  const count = catalogs.reduce((sum, c) => sum + c.resources.length, 0);
  return { text: `${count} resources in ${catalogs.length} catalogs`, blocks };
}

/** A resource was registered; a webhook's secret is shown here once and never again. */
export function resourceAddedView(resource: ResourceView, catalogName: string, secret?: string): AdminReply {
  const what = `*${userText(resource.name, 80)}* (${KIND_WORDS[resource.kind]})`;
  const blocks: KnownBlock[] = [
    section(`:white_check_mark: ${what} is now a resource of *${userText(catalogName, 80)}*.`),
  ];
  if (secret) {
    blocks.push(
      section(
        `Its signing secret, shown only this once — store it in the app now:\n\`${secret}\`\nGatehouse signs every call to ${escapeMrkdwn(resource.webhookUrl ?? 'the webhook')} with it (HMAC-SHA256).`,
      ),
    );
  }
  blocks.push(context('Add it to a package with `/access package new` or `/access package edit <package>`.'));
  return {
    text: `${userText(resource.name, 80)} is now a resource of ${userText(catalogName, 80)}.`,
    blocks,
  };
}
