import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { AccessPackage, Policy } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { policySettingsSchema } from '../../domain/policy.js';
import { requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { deliverAfterCommit } from '../requests/approved-requests.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { writeIncompatibilities } from './incompatibilities.js';
import {
  displayNameSchema,
  idSchema,
  loadCatalog,
  loadPackage,
  loadPolicy,
  loadResource,
} from './loaders.js';
import { deletePackageDraft, lockPackageDraft } from './package-drafts.js';
import {
  addRoleAndGrant,
  descriptionSchema,
  type PackageResourceRole,
  refuseOnNameRace,
  refuseOnResourceRace,
  removeRole,
  resourceRoleRefSchema,
  roleNameSchema,
  writeNewPackage,
  writePackageChanges,
} from './packages.js';
import { writePolicyChanges } from './policies.js';

/** As many resource roles as the wizard's three selects hold (100 each). */
const MAX_RESOURCE_ROLES = 300;

/**
 * What the wizard's draft says, as the engine takes it: a new package (no `packageId`) with its
 * resource roles and first policy, or the changes to a package and its policy. `draftId` is the
 * draft it comes from: used up by the same transaction, so a draft is applied at most once.
 */
const applyInput = z
  .object({
    draftId: z.uuid(),
    packageId: idSchema.nullable(),
    /** Creating: the catalog (General when left out). Editing: the package's own. */
    catalogId: idSchema.optional(),
    name: displayNameSchema,
    /** Editing: left out, the description stays as it is. */
    description: descriptionSchema.optional(),
    /** Editing: left out, the package stays listed or hidden as it is. */
    hidden: z.boolean().optional(),
    addResourceRoles: z.array(resourceRoleRefSchema).max(MAX_RESOURCE_ROLES).default([]),
    removeResourceRoles: z
      .array(z.object({ resourceId: idSchema, role: roleNameSchema }))
      .max(MAX_RESOURCE_ROLES)
      .default([]),
    /** Editing: the policy the wizard shows (the package's first). */
    policyId: idSchema.optional(),
    /** The whole policy; editing keeps the policy's own name. */
    policy: policySettingsSchema,
    /** Editing: the packages this one excludes, all of them; left out, they stay as they are. */
    incompatiblePackageIds: z.array(idSchema).max(100).optional(),
  })
  .refine((input) => input.packageId === null || input.policyId !== undefined, {
    message: 'editing a package names the policy it changes',
    path: ['policyId'],
  })
  .refine((input) => input.packageId !== null || input.removeResourceRoles.length === 0, {
    message: 'a new package has no resource roles to remove',
    path: ['removeResourceRoles'],
  });

export interface AppliedPackageDraft {
  package: AccessPackage;
  catalog: { id: number; name: string };
  created: boolean;
  /** Editing: the name, description or visibility changed. */
  basicsChanged: boolean;
  added: PackageResourceRole[];
  removed: { resourceId: number; resourceName: string; role: string }[];
  policy: Policy;
  /** Editing: the incompatible packages changed. */
  incompatibleChanged: boolean;
  warnings: string[];
}

/**
 * Create or Save of the package wizard: the whole draft in one transaction, all or nothing. A
 * refusal anywhere — a resource the actor may not bring into the catalog (audited as
 * auth.refused), a name taken, a policy the engine refuses, a package gone — leaves the store
 * as it was, draft included. The grants and revokes it queued are delivered after commit.
 * null: the draft is no longer the actor's to apply (gone, expired, someone else's); nothing done.
 */
export async function applyPackageDraft(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<AppliedPackageDraft | null> {
  const parsed = parseInput(applyInput, input);
  const applied = await refuseOnNameRace(parsed.name, () =>
    refuseOnResourceRace(() =>
      inTransaction(deps, async (tx, now) => {
        if (!(await lockPackageDraft(tx, actor, parsed.draftId, now))) return null;
        const result =
          parsed.packageId === null
            ? await create(tx, deps, now, actor, parsed)
            : await edit(tx, deps, now, actor, parsed, parsed.packageId);
        await deletePackageDraft(tx, parsed.draftId);
        return result;
      }),
    ),
  );
  if (!applied) return null;
  const { fulfilmentIds, ...outcome } = applied;
  await deliverAfterCommit(deps, fulfilmentIds, false);
  return outcome;
}

type ApplyInput = z.output<typeof applyInput>;
type Applied = AppliedPackageDraft & { fulfilmentIds: number[] };

async function create(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  parsed: ApplyInput,
): Promise<Applied> {
  const created = await writeNewPackage(tx, deps, now, actor, {
    catalogId: parsed.catalogId,
    name: parsed.name,
    description: parsed.description ?? '',
    hidden: parsed.hidden ?? false,
    resourceRoles: parsed.addResourceRoles,
    policy: parsed.policy,
  });
  return {
    package: created.package,
    catalog: { id: created.catalog.id, name: created.catalog.name },
    created: true,
    basicsChanged: false,
    added: created.resourceRoles,
    removed: [],
    policy: created.policy,
    incompatibleChanged: false,
    warnings: created.warnings,
    fulfilmentIds: [],
  };
}

async function edit(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  parsed: ApplyInput,
  packageId: number,
): Promise<Applied> {
  const pkg = await loadPackage(tx, packageId);
  await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
  const catalog = await loadCatalog(tx, pkg.catalogId);
  const stored = await loadPolicy(tx, parsed.policyId!);
  if (stored.pkg.id !== pkg.id) {
    throw new GatehouseError('policy.not_found', `${pkg.name} has no policy with id ${parsed.policyId}.`);
  }
  const updated = await writePackageChanges(tx, now, actor, pkg, {
    name: parsed.name,
    description: parsed.description,
    hidden: parsed.hidden,
  });
  const fulfilmentIds: number[] = [];
  const added: PackageResourceRole[] = [];
  for (const ref of parsed.addResourceRoles) {
    const role = await addRoleAndGrant(tx, deps, now, actor, updated, catalog, ref);
    fulfilmentIds.push(...role.fulfilmentIds);
    added.push({ resource: role.resource, role: role.role, registered: role.registered });
  }
  const removed: AppliedPackageDraft['removed'] = [];
  for (const { resourceId, role } of parsed.removeResourceRoles) {
    const resource = await loadResource(tx, resourceId);
    fulfilmentIds.push(...(await removeRole(tx, now, actor, updated, resourceId, role)));
    removed.push({ resourceId, resourceName: resource.name, role });
  }
  const { name: _policyKeepsItsName, ...settings } = parsed.policy;
  const policy = await writePolicyChanges(tx, now, actor, { policy: stored.policy, pkg: updated }, settings);
  let incompatibleChanged = false;
  if (parsed.incompatiblePackageIds !== undefined) {
    const wanted = [...new Set(parsed.incompatiblePackageIds)].sort((a, b) => a - b);
    if (wanted.includes(pkg.id)) {
      throw new GatehouseError('input.invalid', `${pkg.name} can't be incompatible with itself.`, {
        fields: { incompatiblePackageIds: 'must not include the package itself' },
      });
    }
    const set = await writeIncompatibilities(tx, deps, now, actor, updated, wanted);
    incompatibleChanged = set.added.length > 0 || set.removed.length > 0;
  }
  return {
    package: updated,
    catalog: { id: catalog.id, name: catalog.name },
    created: false,
    basicsChanged: updated !== pkg,
    added,
    removed,
    policy: policy.policy,
    incompatibleChanged,
    warnings: policy.warnings,
    fulfilmentIds,
  };
}
