import type { KnownBlock } from '@slack/types';
import { RESOURCE_KIND_WORDS as KIND_WORDS } from '../../src/domain/resource-kinds.js';
import type { PackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { policySettingsOf } from '../../src/services/catalog/policies.js';
import { context, fields, header, section } from '../blocks.js';
import { truncate, userText } from '../mrkdwn.js';
import { policyFields } from './policy-words.js';
import type { AdminReply } from './reply.js';
import { listWords, plural } from './text.js';

const MAX_POLICIES = 10;

export function resourceRoleLine(r: PackageDetails['resourceRoles'][number]): string {
  const role = r.role === 'member' ? 'Member' : userText(r.role, 40);
  return `• *${userText(r.resourceName, 80)}* (${KIND_WORDS[r.kind]}) — ${role}`;
}

/** `/access package show <name>`: resource roles, each policy in words, holders, incompatible packages. */
export function packageDetailsView(details: PackageDetails, activeAssignments: number): AdminReply {
  const pkg = details.package;
  const name = userText(pkg.name, 140);
  const blocks: KnownBlock[] = [header(pkg.name)];
  if (pkg.description) blocks.push(section(userText(pkg.description, 2000)));
  blocks.push(
    fields([
      ['Catalog', userText(details.catalog.name, 80)],
      ['Visibility', pkg.hidden ? 'Hidden (not listed)' : 'Listed'],
      ['People with access', String(activeAssignments)],
      ['Incompatible with', listWords(details.incompatiblePackages.map((p) => userText(p.name, 80)))],
    ]),
  );
  const roles = details.resourceRoles.map(resourceRoleLine);
  blocks.push(
    section(
      truncate(`*Resource roles*\n${roles.length ? roles.join('\n') : '_none: holders get nothing_'}`, 3000),
    ),
  );
  for (const [index, policy] of details.policies.slice(0, MAX_POLICIES).entries()) {
    blocks.push(section(`*Policy ${index + 1}: ${userText(policy.name, 80)}*`));
    blocks.push(fields(policyFields(policySettingsOf(policy))));
  }
  if (details.policies.length > MAX_POLICIES) {
    blocks.push(
      context(`Showing ${MAX_POLICIES} of ${plural(details.policies.length, 'policy', 'policies')}.`),
    );
  }
  blocks.push(
    context(
      `\`/access package edit ${name}\` changes it · \`/access requests ${name}\` · \`/access assignments ${name}\``,
    ),
  );
  return {
    text: truncate(`${name}: ${roles.length} resource roles, ${activeAssignments} people with access`, 3000),
    blocks,
  };
}
