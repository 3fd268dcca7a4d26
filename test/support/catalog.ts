import type { Catalog } from '../../src/db/schema.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { createCatalog, grantCatalogRole } from '../../src/services/catalog/catalogs.js';
import { type CreatedPackage, createPackage } from '../../src/services/catalog/packages.js';
import { createPolicy, type PolicyResult } from '../../src/services/catalog/policies.js';
import type { ResourceView } from '../../src/services/catalog/resources.js';
import type { Actor, EngineDeps } from '../../src/services/context.js';
import { slackId, uniqueSuffix } from './fixtures.js';

/**
 * The one way the suites make catalogs, access packages and policies: through the product's own
 * services (createCatalog, createPackage, createPolicy), as an admin unless told otherwise, so a
 * test's package is exactly what an admin could have made — audited, validated, its first policy
 * placed like any other. Engine tests pass `t.deps`, Slack tests `s.gatehouse.deps`.
 */

/** Settings of a policy anyone in the workspace may request without a justification, for 30 days. */
export const OPEN_POLICY = {
  requestorScope: 'all_members',
  justificationRequired: false,
  expiry: { kind: 'days', days: 30 },
} as const satisfies PolicySettingsInput;

/** A resource role as createPackage takes it: a registered resource by id, or a Slack group or channel. */
export type ResourceRoleInput =
  | { resourceId: number; role?: string }
  | {
      resource: { kind: 'slack_usergroup' | 'slack_channel'; externalId: string; name: string };
      role?: string;
    };

/** The seeded Woodgrove workspace's Marketing resources user group, as the tutorial grants it. */
export const MARKETING_GROUP = {
  resource: { kind: 'slack_usergroup', externalId: WOODGROVE.marketingGroup, name: 'Marketing resources' },
  role: 'member',
} as const satisfies ResourceRoleInput;

export interface PackageSpec {
  name?: string;
  description?: string;
  /** General unless given. */
  catalogId?: number;
  hidden?: boolean;
  /** Who creates it: the first global admin of `deps` unless given. */
  actor?: Actor;
  /**
   * What it grants. Unless given: `resource` as `role` (member), or else a fresh Slack user group
   * registered in the package's catalog. `[]` grants nothing.
   */
  resourceRoles?: readonly ResourceRoleInput[];
  /** A resource already registered in the catalog, granted as `role`. */
  resource?: { id: number };
  role?: string;
  /** The first policy's settings; the product's defaults (createPackage's) for anything left out. */
  policy?: PolicySettingsInput;
}

export interface MadePackage extends CreatedPackage {
  /** The package's id (also `packageId`). */
  id: number;
  packageId: number;
  /** The first policy's id. */
  policyId: number;
  catalogId: number;
  name: string;
  /** The first resource it grants (fails loudly for a package that grants none). */
  resource: ResourceView;
}

export async function makePackage(deps: EngineDeps, spec: PackageSpec = {}): Promise<MadePackage> {
  const actor = spec.actor ?? firstAdmin(deps);
  const resourceRoles: readonly ResourceRoleInput[] =
    spec.resourceRoles ??
    (spec.resource
      ? [{ resourceId: spec.resource.id, role: spec.role ?? 'member' }]
      : [
          {
            resource: { kind: 'slack_usergroup', externalId: slackId('S'), name: `group-${uniqueSuffix()}` },
            role: spec.role ?? 'member',
          },
        ]);
  const created = await createPackage(deps, actor, {
    ...(spec.catalogId !== undefined ? { catalogId: spec.catalogId } : {}),
    name: spec.name ?? `Package ${uniqueSuffix()}`,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.hidden !== undefined ? { hidden: spec.hidden } : {}),
    resourceRoles,
    ...(spec.policy ? { policy: spec.policy } : {}),
  });
  const first = created.resourceRoles[0]?.resource;
  return {
    ...created,
    id: created.package.id,
    packageId: created.package.id,
    policyId: created.policy.id,
    catalogId: created.package.catalogId,
    name: created.package.name,
    resource: first ?? grantsNothing(created.package.name),
  };
}

/** Stands for the resource of a package that grants none: any use of it says so. */
function grantsNothing(packageName: string): ResourceView {
  return new Proxy({} as ResourceView, {
    get(_target, key) {
      throw new Error(`${packageName} grants no resource (reading resource.${String(key)})`);
    },
  });
}

/** Another policy on a package, through createPolicy: after the others unless `priority` says. */
export async function makePolicy(
  deps: EngineDeps,
  packageId: number,
  settings: PolicySettingsInput = {},
  options: { priority?: number; actor?: Actor } = {},
): Promise<PolicyResult['policy']> {
  const { policy } = await createPolicy(deps, options.actor ?? firstAdmin(deps), {
    packageId,
    ...settings,
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
  });
  return policy;
}

export interface CatalogWithPeople {
  catalog: Catalog;
  owner: string;
  reader: string;
  packageManager: string;
  assignmentManager: string;
  /** Holds no role in it. */
  outsider: string;
}

/** A catalog made by the admin, and one fresh person holding each catalog role in it. */
export async function catalogWithPeople(
  deps: EngineDeps,
  namePrefix = 'Catalog',
): Promise<CatalogWithPeople> {
  const admin = firstAdmin(deps);
  const catalog = await createCatalog(deps, admin, { name: `${namePrefix} ${uniqueSuffix()}` });
  const people = {
    owner: slackId('U'),
    reader: slackId('U'),
    packageManager: slackId('U'),
    assignmentManager: slackId('U'),
    outsider: slackId('U'),
  };
  for (const [userId, role] of [
    [people.owner, 'owner'],
    [people.reader, 'reader'],
    [people.packageManager, 'package_manager'],
    [people.assignmentManager, 'assignment_manager'],
  ] as const) {
    await grantCatalogRole(deps, admin, { catalogId: catalog.id, userId, role });
  }
  return { catalog, ...people };
}

function firstAdmin(deps: EngineDeps): Actor {
  const userId = deps.adminUserIds[0];
  if (!userId) throw new Error('these deps have no global admin to make packages with');
  return { userId };
}
