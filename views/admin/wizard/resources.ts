import type { KnownBlock, PlainTextOption } from '@slack/types';
import { section } from '../../blocks.js';
import { ACTION } from '../../ids.js';
import { userText } from '../../mrkdwn.js';
import {
  input,
  multiChannels,
  multiExternalSelect,
  multiStaticSelect,
  option,
  staticSelect,
} from '../inputs.js';
import { isEditing, pickKey, type ResourcePick, WIZARD_LIMITS, type WizardDraft } from './model.js';
import type { WizardData } from './shell.js';
import {
  conversationsOf,
  type FieldErrors,
  optionOf,
  optionsOf,
  type StateValues,
  type StepReading,
} from './state.js';

/** A user group as an option: its name when known, else its id (Slack shows the option's text). */
export function usergroupOption(id: string, names: Record<string, string>): PlainTextOption {
  return option(names[id] ?? `User group ${id}`, id);
}

function registeredOptions(data: WizardData): PlainTextOption[] {
  return data.registered.flatMap((r) =>
    r.kind === 'ldap_group'
      ? [option(`${r.name} (directory group)`, `w:${r.id}:member`)]
      : r.roles.map((role) => option(`${r.name} — ${role}`, `w:${r.id}:${role}`)),
  );
}

/** Step 2: user groups (any in the workspace), channels, and the catalog's webhook apps and directory groups. */
export function resourcesBlocks(draft: WizardDraft, data: WizardData): KnownBlock[] {
  const groups = draft.resources.flatMap((r) => (r.kind === 'slack_usergroup' ? [r.externalId] : []));
  const channels = draft.resources.flatMap((r) => (r.kind === 'slack_channel' ? [r.externalId] : []));
  const registered = draft.resources.flatMap((r) => (r.kind === 'registered' ? [pickKey(r)] : []));
  const catalog = `*${userText(data.catalogName, 80)}*`;
  const blocks: KnownBlock[] = [
    section(
      data.mayRegisterResources
        ? `What people get with this package. A user group or channel that isn't in ${catalog} yet is added to it.`
        : `What people get with this package: user groups and channels ${catalog} holds already. Only its owners and Gatehouse admins can add new ones to it.`,
    ),
    input(
      'resources',
      'Slack user groups',
      multiExternalSelect(
        ACTION.pickUsergroups,
        groups.map((id) => usergroupOption(id, data.usergroupNames)),
        'Type to find a user group',
        WIZARD_LIMITS.usergroups,
      ),
      { optional: true, hint: `Every user group in the workspace. Up to ${WIZARD_LIMITS.usergroups}.` },
    ),
    input('channels', 'Channels', multiChannels('channels', channels, WIZARD_LIMITS.channels), {
      optional: true,
      hint: `Up to ${WIZARD_LIMITS.channels}. Gatehouse must be a member of a channel to add people to it.`,
    }),
  ];
  const options = registeredOptions(data);
  if (options.length > 0) {
    blocks.push(
      input(
        'webhooks',
        'Apps and directory groups',
        multiStaticSelect(
          'webhooks',
          options,
          registered,
          'Pick an app role or a group',
          WIZARD_LIMITS.registeredRoles,
        ),
        {
          optional: true,
          hint: `Webhook apps and LDAP directory groups registered in this catalog. Up to ${WIZARD_LIMITS.registeredRoles}.`,
        },
      ),
    );
  }
  blocks.push(
    input(
      'role',
      'Role in the user groups and channels',
      staticSelect('role', [option('Member', 'member')], 'member'),
      {
        hint: 'People are added as members.',
      },
    ),
  );
  return blocks;
}

export function readResources(
  values: StateValues,
  draft: WizardDraft,
  data: WizardData,
): StepReading<WizardDraft> {
  const errors: FieldErrors = {};
  const groups = optionsOf(values, 'resources');
  if (groups.some((id) => !/^S[A-Z0-9]{2,}$/.test(id))) errors.resources = 'Pick user groups from the list.';
  else if (groups.length > WIZARD_LIMITS.usergroups) {
    errors.resources = `Pick at most ${WIZARD_LIMITS.usergroups} user groups.`;
  }
  const channels = conversationsOf(values, 'channels');
  if (channels.some((id) => !/^[CG][A-Z0-9]{2,}$/.test(id))) {
    errors.channels = 'Pick channels only: people and direct messages are not resources.';
  } else if (channels.length > WIZARD_LIMITS.channels) {
    errors.channels = `Pick at most ${WIZARD_LIMITS.channels} channels.`;
  }
  const offered = new Set(registeredOptions(data).map((o) => o.value));
  const registeredKeys = optionsOf(values, 'webhooks').filter((key) => offered.has(key));
  if (registeredKeys.length > WIZARD_LIMITS.registeredRoles) {
    errors.webhooks = `Pick at most ${WIZARD_LIMITS.registeredRoles} app roles and groups.`;
  }
  if (!data.mayRegisterResources) {
    const registered = new Set(data.registeredSlackIds);
    const outside = (field: 'resources' | 'channels', ids: string[], what: string) => {
      if (!errors[field] && ids.some((id) => !registered.has(id))) {
        errors[field] =
          `Only owners of ${data.catalogName} and Gatehouse admins can bring a new ${what} into it: pick one it holds already, or ask them to add it.`;
      }
    };
    outside('resources', groups, 'user group');
    outside('channels', channels, 'channel');
  }
  const role = optionOf(values, 'role') ?? 'member';
  if (role !== 'member') errors.role = 'Choose Member.';

  const picks: ResourcePick[] = [
    ...groups.map((externalId) => ({ kind: 'slack_usergroup' as const, externalId })),
    ...channels.map((externalId) => ({ kind: 'slack_channel' as const, externalId })),
    ...registeredKeys.map((key) => {
      const [, id, ...rest] = key.split(':');
      return { kind: 'registered' as const, resourceId: Number(id), role: rest.join(':') };
    }),
  ];
  if (Object.keys(errors).length === 0 && picks.length === 0 && !isEditing(draft)) {
    errors.resources = 'Pick at least one user group, channel or webhook app: that is what people get.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, draft: { ...draft, resources: picks } };
}
