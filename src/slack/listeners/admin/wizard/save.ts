import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import {
  pickKey,
  type ResourcePick,
  type WizardDraft,
  type WizardStep,
} from '../../../../../views/admin/wizard/draft.js';
import { wizardDoneView, wizardFailedView } from '../../../../../views/admin/wizard/result.js';
import { draftSettings } from '../../../../../views/admin/wizard/review.js';
import { userText } from '../../../../../views/mrkdwn.js';
import { type ErrorCode, isGatehouseError } from '../../../../domain/errors.js';
import { getPackageDetails } from '../../../../services/catalog/catalog-queries.js';
import {
  addResourceRole,
  createPackage,
  editPackage,
  removeResourceRole,
} from '../../../../services/catalog/packages.js';
import { editPolicy, setIncompatiblePackages } from '../../../../services/catalog/policies.js';
import { checkResourceIntake, listResources } from '../../../../services/catalog/resources.js';
import type { Actor } from '../../../../services/context.js';
import { deliverAfterCommit } from '../../../../services/requests/approved-requests.js';
import type { SlackContext } from '../../../context.js';
import { type UsergroupDirectory, usergroupNames } from '../usergroups.js';
import { loadWizardData } from './data.js';

/** Where to send the person back to fix what the engine refused. */
function stepFor(code: ErrorCode): WizardStep {
  if (code === 'package.name_taken' || code === 'package.incompatible' || code === 'package.not_found') {
    return 'basics';
  }
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
    if (pick.kind === 'webhook') {
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

/** Create: one createPackage call with the resource roles and the policy. */
async function createFromDraft(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  draft: WizardDraft,
  directory: UsergroupDirectory,
): Promise<ModalView> {
  const data = await loadWizardData(ctx.engine, actor, draft, directory.knownNames());
  const settings = draftSettings(draft, data);
  if (!settings.ok) return wizardFailedView(draft, settings.problem, 'lifecycle');
  const refs = await resourceRefs(ctx, client, actor, directory, draft.catalogId!, draft.resources);
  const created = await createPackage(ctx.engine, actor, {
    catalogId: draft.catalogId,
    name: draft.name,
    description: draft.description ?? '',
    resourceRoles: refs,
    policy: settings.settings,
  });
  return wizardDoneView({
    packageName: created.package.name,
    catalogName: data.catalogName,
    editing: false,
    done: created.resourceRoles.map(
      (r) =>
        `${roleLine(r.resource.name, r.role)}${r.registered ? ` (now in ${userText(data.catalogName, 80)})` : ''}`,
    ),
    warnings: created.warnings,
  });
}

/**
 * Save: the package's basics, resource roles added and removed, the policy, incompatible
 * packages — each an engine call; what was saved before a refusal is listed with it.
 */
async function saveEdits(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  draft: WizardDraft,
  directory: UsergroupDirectory,
  done: string[],
): Promise<ModalView> {
  const packageId = draft.packageId!;
  const data = await loadWizardData(ctx.engine, actor, draft, directory.knownNames());
  const details = await getPackageDetails(ctx.engine, actor, { package: packageId });
  const settings = draftSettings(draft, data);
  if (!settings.ok) return wizardFailedView(draft, settings.problem, 'lifecycle');

  const pkg = details.package;
  const existing = details.resourceRoles.map((r) => ({
    row: r,
    key: pickKey(
      r.kind === 'webhook'
        ? { kind: 'webhook', resourceId: r.resourceId, role: r.role }
        : { kind: r.kind, externalId: r.externalId },
    ),
  }));
  const wanted = new Set(draft.resources.map(pickKey));
  const have = new Set(existing.map((e) => e.key));
  const adds = draft.resources.filter((p) => !have.has(pickKey(p)));
  const refs = await resourceRefs(ctx, client, actor, directory, pkg.catalogId, adds);
  // Refused before anything is saved: bringing a new resource in needs the catalog's owners.
  await checkResourceIntake(ctx.engine, actor, {
    catalogId: pkg.catalogId,
    resources: refs.flatMap((ref) => ('resource' in ref ? [ref.resource] : [])),
  });
  const basicsChanged =
    draft.name !== pkg.name ||
    draft.hidden !== pkg.hidden ||
    (draft.description ?? pkg.description) !== pkg.description;
  if (basicsChanged) {
    await editPackage(ctx.engine, actor, {
      packageId,
      name: draft.name,
      hidden: draft.hidden,
      ...(draft.description !== null ? { description: draft.description } : {}),
    });
    done.push('Name, description and visibility saved');
  }

  const fulfilmentIds: number[] = [];
  try {
    for (const ref of refs) {
      const added = await addResourceRole(ctx.engine, actor, { packageId, ...ref });
      fulfilmentIds.push(...added.fulfilmentIds);
      done.push(
        `Added ${roleLine(added.resource.name, added.role)}${added.registered ? ` (now in ${userText(details.catalog.name, 80)})` : ''}`,
      );
    }
    for (const { row, key } of existing) {
      if (wanted.has(key)) continue;
      const removed = await removeResourceRole(ctx.engine, actor, {
        packageId,
        resourceId: row.resourceId,
        role: row.role,
      });
      fulfilmentIds.push(...removed.fulfilmentIds);
      done.push(`Removed ${roleLine(row.resourceName, row.role)}`);
    }
  } finally {
    await deliverAfterCommit(ctx.engine, fulfilmentIds, false);
  }

  const { name: _keepName, ...policyChanges } = settings.settings;
  const policy = await editPolicy(ctx.engine, actor, { policyId: draft.policyId, ...policyChanges });
  done.push(`Policy *${userText(policy.policy.name, 80)}* saved`);

  const before = details.incompatiblePackages.map((p) => p.id).sort((a, b) => a - b);
  const after = [...draft.incompatibleIds].sort((a, b) => a - b);
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    await setIncompatiblePackages(ctx.engine, actor, { packageId, otherPackageIds: after });
    done.push('Incompatible packages saved');
  }
  return wizardDoneView({
    packageName: draft.name,
    catalogName: details.catalog.name,
    editing: true,
    done,
    warnings: policy.warnings,
  });
}

/** Create or Save, as the review step's submit: the view that says how it went. */
export async function saveDraft(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  draft: WizardDraft,
  directory: UsergroupDirectory,
): Promise<ModalView> {
  const done: string[] = [];
  try {
    return draft.packageId === null
      ? await createFromDraft(ctx, client, actor, draft, directory)
      : await saveEdits(ctx, client, actor, draft, directory, done);
  } catch (error) {
    if (isGatehouseError(error)) return wizardFailedView(draft, error.message, stepFor(error.code), done);
    ctx.log.error({ err: error, packageId: draft.packageId }, 'the package wizard failed to save');
    return wizardFailedView(
      draft,
      "Something went wrong on Gatehouse's side. Try again in a minute; if it keeps happening, tell an admin.",
      'review',
      done,
    );
  }
}
