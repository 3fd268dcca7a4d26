import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { pickKey, type ResourcePick, type WizardDraft } from '../../../../views/admin/wizard/model.js';
import type { WizardStep } from '../../../../views/admin/wizard/navigation.js';
import {
  wizardDoneView,
  wizardFailedView,
  wizardRefusedView,
} from '../../../../views/admin/wizard/result.js';
import { draftSettings } from '../../../../views/admin/wizard/review.js';
import { userText } from '../../../../views/mrkdwn.js';
import type { GatehouseError } from '../../../domain/errors.js';
import {
  type AppliedPackageDraft,
  applyPackageDraft,
} from '../../../services/catalog/apply-package-draft.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import { listResources } from '../../../services/catalog/resources.js';
import type { Actor } from '../../../services/context.js';
import type { SlackContext } from '../../context.js';
import { explain } from '../../refusals.js';
import { type UsergroupDirectory, usergroupNames } from '../usergroups.js';
import { loadWizardData } from './data.js';
import { STALE, type ViewDraft } from './drafts.js';

/** Where to send the person back to fix what the engine refused. */
function stepFor(error: GatehouseError): WizardStep {
  const code = error.code;
  if (code === 'package.name_taken' || code === 'package.incompatible' || code === 'package.not_found') {
    return 'basics';
  }
  // A resource the actor may not bring into the catalog (requireResourceIntake): pick another.
  if (code === 'auth.forbidden' && error.details.resource !== undefined) return 'resources';
  if (code.startsWith('resource.') || code.startsWith('package.role')) return 'resources';
  if (code === 'policy.no_approvers') return 'requests';
  if (code.startsWith('policy.')) return 'lifecycle';
  return 'review';
}

const RESOURCE_NAME_MAX = 80;

/** `*Marketing resources* — Member`, escaped: resource names are typed by people. */
function roleLine(resourceName: string, role: string): string {
  return `*${userText(resourceName, 80)}* — ${role === 'member' ? 'Member' : userText(role, 40)}`;
}

/** A name for a channel not yet registered: `#name` from Slack, else its id. */
async function channelName(client: WebClient, channelId: string): Promise<string> {
  try {
    const result = await client.conversations.info({ channel: channelId });
    if (result.channel?.name) return `#${result.channel.name}`;
  } catch {
    // No conversations.info (scope, Slack down): the id still identifies it; it can be renamed later.
  }
  return `#${channelId}`;
}

/**
 * The resource roles as createPackage / addResourceRole take them: registered resources by id,
 * Slack user groups and channels the catalog lacks by kind, id and Slack's name.
 */
async function resourceRefs(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  directory: UsergroupDirectory,
  catalogId: number,
  picks: readonly ResourcePick[],
) {
  const registered = await listResources(ctx.engine, actor, { catalogId });
  const byExternal = new Map(registered.map((r) => [`${r.kind}:${r.externalId}`, r]));
  const unknownGroups = picks.flatMap((p) =>
    p.kind === 'slack_usergroup' && !byExternal.has(`${p.kind}:${p.externalId}`) ? [p.externalId] : [],
  );
  let groupNames: Record<string, string> = {};
  try {
    groupNames = await usergroupNames(directory, client, unknownGroups);
  } catch (error) {
    ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'usergroups.list failed');
  }
  const refs = [];
  for (const pick of picks) {
    if (pick.kind === 'registered') {
      refs.push({ resourceId: pick.resourceId, role: pick.role });
      continue;
    }
    const known = byExternal.get(`${pick.kind}:${pick.externalId}`);
    if (known) {
      refs.push({ resourceId: known.id, role: 'member' });
      continue;
    }
    const name =
      pick.kind === 'slack_usergroup'
        ? (groupNames[pick.externalId] ?? pick.externalId)
        : await channelName(client, pick.externalId);
    refs.push({
      resource: { kind: pick.kind, externalId: pick.externalId, name: name.slice(0, RESOURCE_NAME_MAX) },
      role: 'member',
    });
  }
  return refs;
}

/**
 * The draft's resource roles as applyPackageDraft takes them: registered resources by id, Slack
 * user groups and channels the catalog lacks by kind, id and Slack's name (asked before the
 * transaction: no Slack call holds it open). Editing: only what changes — the roles to add and
 * the ones to take off, compared the way the wizard shows them (a Slack resource by its id).
 */
async function resourceChanges(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  directory: UsergroupDirectory,
  draft: WizardDraft,
) {
  if (draft.packageId === null) {
    const add = await resourceRefs(ctx, client, actor, directory, draft.catalogId!, draft.resources);
    return { catalogId: draft.catalogId!, add, remove: [], details: null };
  }
  const details = await getPackageDetails(ctx.engine, actor, { package: draft.packageId });
  const existing = details.resourceRoles.map((r) => ({
    row: r,
    key: pickKey(
      r.kind === 'webhook' || r.kind === 'ldap_group'
        ? { kind: 'registered', resourceId: r.resourceId, role: r.role }
        : { kind: r.kind, externalId: r.externalId },
    ),
  }));
  const wanted = new Set(draft.resources.map(pickKey));
  const have = new Set(existing.map((e) => e.key));
  const adds = draft.resources.filter((p) => !have.has(pickKey(p)));
  const add = await resourceRefs(ctx, client, actor, directory, details.package.catalogId, adds);
  const remove = existing
    .filter(({ key }) => !wanted.has(key))
    .map(({ row }) => ({ resourceId: row.resourceId, role: row.role }));
  return { catalogId: details.package.catalogId, add, remove, details };
}

/** What was done, one line each, for the done view. */
function doneLines(applied: AppliedPackageDraft): string[] {
  const catalog = userText(applied.catalog.name, 80);
  const added = (r: AppliedPackageDraft['added'][number]) =>
    `${roleLine(r.resource.name, r.role)}${r.registered ? ` (now in ${catalog})` : ''}`;
  if (applied.created) return applied.added.map(added);
  return [
    ...(applied.basicsChanged ? ['Name, description and visibility saved'] : []),
    ...applied.added.map((r) => `Added ${added(r)}`),
    ...applied.removed.map((r) => `Removed ${roleLine(r.resourceName, r.role)}`),
    `Policy *${userText(applied.policy.name, 80)}* saved`,
    ...(applied.incompatibleChanged ? ['Incompatible packages saved'] : []),
  ];
}

/**
 * Create or Save, as the review step's submit: the whole draft in one applyPackageDraft call —
 * one transaction, all or nothing — and the view that says how it went. A refusal leaves the
 * package and the draft as they were; its view leads back to the step to fix.
 */
export async function applyWizardDraft(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  { draftId, draft }: ViewDraft,
  directory: UsergroupDirectory,
): Promise<ModalView> {
  try {
    const data = await loadWizardData(ctx.engine, actor, draft, directory.knownNames());
    const settings = draftSettings(draft, data);
    if (!settings.ok) return wizardFailedView(draft, draftId, settings.problem, 'lifecycle');
    const changes = await resourceChanges(ctx, client, actor, directory, draft);
    const editing = draft.packageId !== null;
    const before = changes.details?.incompatiblePackages.map((p) => p.id).sort((a, b) => a - b) ?? [];
    const after = [...draft.incompatibleIds].sort((a, b) => a - b);
    const applied = await applyPackageDraft(ctx.engine, actor, {
      draftId,
      packageId: draft.packageId,
      catalogId: changes.catalogId,
      name: draft.name,
      ...(draft.description !== null ? { description: draft.description } : {}),
      hidden: draft.hidden,
      addResourceRoles: changes.add,
      removeResourceRoles: changes.remove,
      ...(editing ? { policyId: draft.policyId } : {}),
      policy: settings.settings,
      ...(editing && JSON.stringify(before) !== JSON.stringify(after)
        ? { incompatiblePackageIds: after }
        : {}),
    });
    if (!applied) return wizardRefusedView(STALE);
    return wizardDoneView({
      packageName: applied.package.name,
      catalogName: applied.catalog.name,
      editing,
      done: doneLines(applied),
      warnings: applied.warnings,
    });
  } catch (error) {
    const refusal = explain(error, ctx.log, { packageId: draft.packageId, saving: 'package wizard' });
    const step = refusal.error ? stepFor(refusal.error) : 'review';
    return wizardFailedView(draft, draftId, refusal.plain, step);
  }
}
