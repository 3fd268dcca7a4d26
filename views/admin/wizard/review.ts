import type { KnownBlock } from '@slack/types';
import { type PolicySettings, policySettingsSchema } from '../../../src/domain/policy.js';
import { RESOURCE_KIND_WORDS } from '../../../src/domain/resource-kinds.js';
import { context, fields, header, section } from '../../blocks.js';
import { userText } from '../../mrkdwn.js';
import { policyFields } from '../policy-words.js';
import { channelMention, engineText, listWords, usergroupMention } from '../text.js';
import { isEditing, type ResourcePick, type WizardDraft } from './model.js';
import { policySettingsFrom } from './policy-mapping.js';
import type { WizardData } from './shell.js';

/** The policy the draft describes, complete (defaults filled), or the reason it isn't one. */
export function draftSettings(
  draft: WizardDraft,
  data: Pick<WizardData, 'current'>,
): { ok: true; settings: PolicySettings } | { ok: false; problem: string } {
  const parsed = policySettingsSchema.safeParse(policySettingsFrom(draft, data.current?.settings));
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problem: parsed.error.issues[0]?.message ?? 'The policy is not complete.' };
}

/** A resource role in words: `Marketing resources — Member`. */
export function resourceWords(
  pick: ResourcePick,
  data: Pick<WizardData, 'usergroupNames' | 'registered'>,
): string {
  switch (pick.kind) {
    case 'slack_usergroup': {
      const name = data.usergroupNames[pick.externalId];
      return `${name ? `*${userText(name, 80)}*` : usergroupMention(pick.externalId)} (user group) — Member`;
    }
    case 'slack_channel':
      return `${channelMention(pick.externalId)} (channel) — Member`;
    case 'registered': {
      const held = data.registered.find((w) => w.id === pick.resourceId);
      const kind = RESOURCE_KIND_WORDS[held?.kind ?? 'webhook'];
      const role = pick.role === 'member' ? 'Member' : userText(pick.role, 40);
      return `*${userText(held?.name ?? `resource ${pick.resourceId}`, 80)}* (${kind}) — ${role}`;
    }
  }
}

/** Resource roles named one by one in the review (a section holds 3000 characters). */
const RESOURCES_LISTED = 20;

/** Step 6: everything in words, the engine's warnings, and Create (or Save). */
export function reviewBlocks(draft: WizardDraft, data: WizardData): KnownBlock[] {
  const description = draft.description ?? data.current?.description ?? '';
  const blocks: KnownBlock[] = [header(draft.name || 'Access package')];
  if (description) blocks.push(section(userText(description, 2000)));
  const resources = draft.resources.slice(0, RESOURCES_LISTED).map((r) => `• ${resourceWords(r, data)}`);
  const more = draft.resources.length - RESOURCES_LISTED;
  if (more > 0) resources.push(`• …and ${more} more`);
  blocks.push(
    section(
      `*Catalog:* ${userText(data.catalogName, 80)}\n*Resource roles*\n${resources.length ? resources.join('\n') : '_none: holders get nothing_'}`,
    ),
  );
  const settings = draftSettings(draft, data);
  if (settings.ok) blocks.push(fields(policyFields(settings.settings)));
  else blocks.push(section(`:warning: ${engineText(settings.problem)}`));
  if (isEditing(draft)) {
    const incompatible = draft.incompatibleIds.map((id) =>
      userText(data.packages.find((p) => p.id === id)?.name ?? `package ${id}`, 80),
    );
    blocks.push(
      fields([
        ['Visibility', draft.hidden ? 'Hidden' : 'Listed'],
        ['Incompatible packages', listWords(incompatible)],
      ]),
    );
    if (data.current && data.current.otherPolicies > 0) {
      blocks.push(
        context(
          `Saving changes the policy *${userText(data.current.policyName, 80)}*; the package's other ${data.current.otherPolicies === 1 ? 'policy stays' : `${data.current.otherPolicies} policies stay`} as they are.`,
        ),
      );
    }
  }
  for (const warning of data.warnings.slice(0, 5)) blocks.push(section(`:warning: ${engineText(warning)}`));
  blocks.push(
    context(
      isEditing(draft)
        ? 'Save applies the changes now.'
        : 'Create makes the package; people can request it at once.',
    ),
  );
  return blocks;
}
