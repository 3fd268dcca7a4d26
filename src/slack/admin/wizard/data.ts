import type { WizardDraft } from '../../../../views/admin/wizard/model.js';
import type { WizardStep } from '../../../../views/admin/wizard/navigation.js';
import { draftSettings } from '../../../../views/admin/wizard/review.js';
import { emptyWizardData, type WizardData } from '../../../../views/admin/wizard/shell.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { hasPermission } from '../../../domain/roles.js';
import { isGlobalAdmin } from '../../../services/authz.js';
import { getPackageDetails, listPackages } from '../../../services/catalog/catalog-queries.js';
import { type CatalogSummary, listCatalogs } from '../../../services/catalog/catalogs.js';
import { checkPolicySettings, policySettingsOf } from '../../../services/catalog/policies.js';
import { listResources } from '../../../services/catalog/resources.js';
import type { Actor, EngineDeps } from '../../../services/context.js';

/** Which steps show other packages (incompatible ones) and the catalog's resources. */
const NEEDS: Record<'packages' | 'resources', readonly WizardStep[]> = {
  packages: ['basics', 'review'],
  resources: ['resources', 'requests', 'review'],
};

/** The catalogs where the actor may create and edit access packages. */
export async function manageableCatalogs(deps: EngineDeps, actor: Actor): Promise<CatalogSummary[]> {
  const admin = isGlobalAdmin(deps, actor);
  const catalogs = await listCatalogs(deps, actor);
  return catalogs.filter((c) => hasPermission({ isAdmin: admin, catalogRoles: c.myRoles }, 'package.manage'));
}

/**
 * What the draft's step shows besides the draft, read from the engine: catalogs, webhooks and
 * registered user groups of the catalog, the stored texts while editing, the policy's warnings.
 * `knownNames`: user group names Slack told us lately (the options cache).
 */
export async function loadWizardData(
  deps: EngineDeps,
  actor: Actor,
  draft: WizardDraft,
  knownNames: Record<string, string> = {},
): Promise<WizardData> {
  const data = emptyWizardData(deps.clock.now());
  data.usergroupNames = { ...knownNames };
  const catalogs = await manageableCatalogs(deps, actor);
  data.catalogs = catalogs.map((c) => ({ id: c.id, name: c.name }));
  const catalog = catalogs.find((c) => c.id === draft.catalogId);
  if (catalog) data.catalogName = catalog.name;
  data.mayRegisterResources =
    catalog !== undefined &&
    hasPermission({ isAdmin: isGlobalAdmin(deps, actor), catalogRoles: catalog.myRoles }, 'catalog.manage');

  if (draft.packageId !== null) {
    const details = await getPackageDetails(deps, actor, { package: draft.packageId });
    data.catalogName = details.catalog.name;
    const policy = details.policies.find((p) => p.id === draft.policyId) ?? details.policies[0];
    if (policy) {
      data.current = {
        description: details.package.description,
        settings: policySettingsOf(policy),
        policyName: policy.name,
        otherPolicies: details.policies.length - 1,
      };
    }
    if (NEEDS.packages.includes(draft.step)) {
      const packages = await listPackages(deps, actor, { includeHidden: true });
      data.packages = packages.map((p) => ({ id: p.id, name: p.name }));
    }
  }

  if (draft.catalogId !== null && NEEDS.resources.includes(draft.step)) {
    const resources = await listResources(deps, actor, { catalogId: draft.catalogId });
    data.registered = resources
      .filter((r) => r.kind === 'webhook' || r.kind === 'ldap_group')
      .map((r) => ({ id: r.id, kind: r.kind as 'webhook' | 'ldap_group', name: r.name, roles: r.roles }));
    for (const r of resources) {
      if (r.kind === 'slack_usergroup') data.usergroupNames[r.externalId] ??= r.name;
      if (r.kind === 'slack_usergroup' || r.kind === 'slack_channel')
        data.registeredSlackIds.push(r.externalId);
    }
  }

  if (draft.step === 'review') {
    const settings = draftSettings(draft, data);
    if (settings.ok) {
      try {
        data.warnings = await checkPolicySettings(deps.database.db, settings.settings);
      } catch (error) {
        if (!isGatehouseError(error)) throw error;
        data.warnings = [error.message];
      }
    }
  }
  return data;
}
