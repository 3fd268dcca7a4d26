import type { WebClient } from '@slack/web-api';
import { resolvePackage } from '../../../../commands/admin/resolve.js';
import { wizardStepView } from '../../../../views/admin/wizard/index.js';
import { newDraft, type WizardDraft, wizardOverflow } from '../../../../views/admin/wizard/model.js';
import { draftFromPackage } from '../../../../views/admin/wizard/policy-mapping.js';
import { draftForStore } from '../../../../views/admin/wizard/store-codec.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import { GENERAL_CATALOG } from '../../../services/catalog/loaders.js';
import { attachPackageDraftView, createPackageDraft } from '../../../services/catalog/package-drafts.js';
import { editPackage } from '../../../services/catalog/packages.js';
import { policySettingsOf } from '../../../services/catalog/policies.js';
import type { SlackContext } from '../../context.js';
import type { UsergroupDirectory } from '../usergroups.js';
import { loadWizardData, manageableCatalogs } from './data.js';

export const NOT_A_PACKAGE_MANAGER =
  "You can't create access packages: only package managers, catalog owners and Gatehouse admins can. Ask an admin for a role in a catalog.";

/**
 * The draft `/access package new` (no package) or `/access package edit <name>` starts from, or
 * the engine's refusal. Editing asks the engine first (a no-change edit) whether this person may.
 */
export async function startingDraft(
  ctx: SlackContext,
  userId: string,
  packageText?: string,
): Promise<{ draft: WizardDraft } | { refusal: string }> {
  const actor = { userId };
  if (packageText === undefined) {
    const catalogs = await manageableCatalogs(ctx.engine, actor);
    if (catalogs.length === 0) return { refusal: NOT_A_PACKAGE_MANAGER };
    const general = catalogs.find((c) => c.name === GENERAL_CATALOG) ?? catalogs[0]!;
    return { draft: newDraft(general.id) };
  }
  const ref = await resolvePackage(ctx.engine, actor, packageText);
  await editPackage(ctx.engine, actor, { packageId: ref.id });
  const details = await getPackageDetails(ctx.engine, actor, { package: ref.id });
  const policy = details.policies[0];
  if (!policy) return { refusal: `${details.package.name} has no policy to edit.` };
  const draft = draftFromPackage({
    package: details.package,
    resourceRoles: details.resourceRoles,
    policyId: policy.id,
    settings: policySettingsOf(policy),
    incompatibleIds: details.incompatiblePackages.map((p) => p.id),
  });
  const overflow = wizardOverflow(draft);
  if (overflow) {
    return { refusal: `${details.package.name} has ${overflow}: more than the wizard's fields can show.` };
  }
  return { draft };
}

/**
 * Opens the wizard with the trigger of the command or click (valid 3 s, once); answers the
 * sentence saying why not when this person may not. The draft goes into the store first; the
 * modal carries its id, and is tied to it once Slack says which view it is.
 */
export async function openPackageWizard(
  ctx: SlackContext,
  client: WebClient,
  input: { userId: string; triggerId: string; packageText?: string; directory?: UsergroupDirectory },
): Promise<string | null> {
  const start = await startingDraft(ctx, input.userId, input.packageText);
  if ('refusal' in start) return start.refusal;
  const actor = { userId: input.userId };
  const data = await loadWizardData(ctx.engine, actor, start.draft, input.directory?.knownNames() ?? {});
  const { draftId } = await createPackageDraft(ctx.engine, actor, { draft: draftForStore(start.draft) });
  const opened = await client.views.open({
    trigger_id: input.triggerId,
    view: wizardStepView(start.draft, data, draftId),
  });
  const viewId = opened.view?.id;
  if (viewId) {
    // Not fatal: the first submission ties an untied draft to its modal anyway.
    await attachPackageDraftView(ctx.engine, actor, { draftId, viewId }).catch((error: unknown) =>
      ctx.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'package wizard: could not tie the draft to its modal',
      ),
    );
  }
  return null;
}
