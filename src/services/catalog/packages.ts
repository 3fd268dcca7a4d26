import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  type AccessPackage,
  accessPackages,
  assignments,
  type Catalog,
  type Policy,
  packageIncompatibilities,
  packageResourceRoles,
  type Resource,
} from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { type PolicySettings, policySettingsSchema } from '../../domain/policy.js';
import { ACTIVE_ASSIGNMENT_STATES } from '../../domain/states.js';
import { audit } from '../audit.js';
import { requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { endAssignments } from '../lifecycle/assignment-writer.js';
import { grantRoleToActiveAssignees, revokeRoleFromActiveAssignees } from '../lifecycle/fulfilment-writer.js';
import { cancelOpenRequests } from '../requests/request-writer.js';
import { cancelActiveReviewsOf } from '../reviews/review-writer.js';
import { inTransaction, wakeAfterCommit } from '../tx.js';
import { parseInput } from '../validate.js';
import {
  displayNameSchema,
  idSchema,
  loadCatalog,
  loadGeneralCatalog,
  loadPackage,
  loadResource,
  refuseOnUniqueViolation,
} from './loaders.js';
import { writeNewPolicy } from './policies.js';
import {
  findRegistered,
  insertResource,
  type ResourceView,
  slackResourceSpecSchema,
  toResourceView,
} from './resources.js';

export const descriptionSchema = z
  .string()
  .trim()
  .max(2000, 'keep the description to 2000 characters or fewer');
export const roleNameSchema = z.string().trim().min(1).max(40);

/**
 * A resource role of a package: a resource registered in the package's catalog, or a Slack user
 * group or channel not registered anywhere yet, which is then registered in that catalog.
 */
export const resourceRoleRefSchema = z.union([
  z.object({ resourceId: idSchema, role: roleNameSchema.default('member') }),
  z.object({ resource: slackResourceSpecSchema, role: roleNameSchema.default('member') }),
]);
export type ResourceRoleRef = z.infer<typeof resourceRoleRefSchema>;

const createPackageInput = z.object({
  catalogId: idSchema.optional(),
  name: displayNameSchema,
  description: descriptionSchema.default(''),
  hidden: z.boolean().default(false),
  resourceRoles: z.array(resourceRoleRefSchema).max(50).default([]),
  policy: policySettingsSchema.optional(),
});

const editPackageInput = z.object({
  packageId: idSchema,
  name: displayNameSchema.optional(),
  description: descriptionSchema.optional(),
  hidden: z.boolean().optional(),
});

const deletePackageInput = z.object({
  packageId: idSchema,
  force: z.boolean().default(false),
  note: z.string().trim().min(1).max(500).optional(),
});

const addResourceRoleInput = z.intersection(z.object({ packageId: idSchema }), resourceRoleRefSchema);
const removeResourceRoleInput = z.object({ packageId: idSchema, resourceId: idSchema, role: roleNameSchema });

export const nameTaken = (name: string) =>
  new GatehouseError(
    'package.name_taken',
    `There is already an access package called ${name}. Pick another name.`,
    { name },
  );

/** Runs a service that names a package `name`: when another took the name meanwhile, it is refused as taken. */
export function refuseOnNameRace<T>(name: string, run: () => Promise<T>): Promise<T> {
  return refuseOnUniqueViolation('access_packages_name_key', () => nameTaken(name), run);
}

/**
 * Runs a service that may bring a resource into a catalog: when someone else registered the same
 * resource at the same moment, the loser is asked to try again.
 */
export function refuseOnResourceRace<T>(run: () => Promise<T>): Promise<T> {
  return refuseOnUniqueViolation(
    'resources_kind_external_key',
    () =>
      new GatehouseError(
        'resource.already_registered',
        'That resource was registered by someone else a moment ago. Try again.',
      ),
    run,
  );
}

export interface PackageResourceRole {
  resource: ResourceView;
  role: string;
  /** True when the resource was registered in the package's catalog by this call. */
  registered: boolean;
}

export interface CreatedPackage {
  package: AccessPackage;
  resourceRoles: PackageResourceRole[];
  policy: Policy;
  warnings: string[];
}

/**
 * Creates an access package with its resource roles and first policy, in one transaction
 * (package managers, catalog owners, admins). The catalog defaults to General.
 */
export async function createPackage(deps: EngineDeps, actor: Actor, input: unknown): Promise<CreatedPackage> {
  const parsed = parseInput(createPackageInput, input);
  const settings = parsed.policy ?? policySettingsSchema.parse({});
  return refuseOnNameRace(parsed.name, () =>
    inTransaction(deps, (tx, now) => writeNewPackage(tx, deps, now, actor, { ...parsed, policy: settings })),
  );
}

export interface NewPackage {
  catalogId?: number | undefined;
  name: string;
  description: string;
  hidden: boolean;
  resourceRoles: readonly ResourceRoleRef[];
  policy: PolicySettings;
}

/**
 * createPackage in the caller's transaction: checks permission in the catalog (General by
 * default) and the name, then writes the package, its resource roles and its first policy.
 */
export async function writeNewPackage(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  input: NewPackage,
): Promise<CreatedPackage & { catalog: Catalog }> {
  const catalog = input.catalogId ? await loadCatalog(tx, input.catalogId) : await loadGeneralCatalog(tx);
  await requirePermission(tx, deps, actor, catalog.id, 'package.manage');
  await refuseTakenName(tx, input.name);
  const [pkg] = await tx
    .insert(accessPackages)
    .values({
      catalogId: catalog.id,
      name: input.name,
      description: input.description,
      hidden: input.hidden,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await audit(tx, now, actor, {
    action: 'package.created',
    catalogId: catalog.id,
    packageId: pkg!.id,
    data: {
      name: pkg!.name,
      description: pkg!.description,
      hidden: pkg!.hidden,
      catalog: catalog.name,
    },
  });
  const resourceRoles: PackageResourceRole[] = [];
  for (const ref of input.resourceRoles) {
    resourceRoles.push(await addRole(tx, deps, now, actor, pkg!, catalog, ref));
  }
  const { policy, warnings } = await writeNewPolicy(tx, now, actor, pkg!, input.policy, 1);
  return { package: pkg!, catalog, resourceRoles, policy, warnings };
}

/** Changes a package's name, description or hidden flag. */
export async function editPackage(deps: EngineDeps, actor: Actor, input: unknown): Promise<AccessPackage> {
  const { packageId, ...changes } = parseInput(editPackageInput, input);
  return refuseOnNameRace(changes.name ?? '', () =>
    inTransaction(deps, async (tx, now) => {
      const pkg = await loadPackage(tx, packageId);
      await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
      return writePackageChanges(tx, now, actor, pkg, changes);
    }),
  );
}

/**
 * editPackage in the caller's transaction (the caller has checked permission): writes what
 * differs, with its audit row; the package as it was when nothing does.
 */
export async function writePackageChanges(
  tx: Db,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  changes: { name?: string | undefined; description?: string | undefined; hidden?: boolean | undefined },
): Promise<AccessPackage> {
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  for (const key of ['name', 'description', 'hidden'] as const) {
    if (changes[key] !== undefined && changes[key] !== pkg[key]) {
      from[key] = pkg[key];
      to[key] = changes[key];
    }
  }
  if (Object.keys(to).length === 0) return pkg;
  if (typeof to.name === 'string') await refuseTakenName(tx, to.name, pkg.id);
  const [updated] = await tx
    .update(accessPackages)
    .set({ ...to, updatedAt: now })
    .where(eq(accessPackages.id, pkg.id))
    .returning();
  await audit(tx, now, actor, {
    action: 'package.edited',
    catalogId: pkg.catalogId,
    packageId: pkg.id,
    data: { from, to },
  });
  return updated!;
}

export interface DeletedPackage {
  packageId: number;
  endedAssignmentIds: number[];
  canceledRequestIds: number[];
  /** Revokes to deliver after commit (deliverFulfilments). */
  fulfilmentIds: number[];
}

/**
 * Deletes a package: its open requests are canceled; while people hold it, only with `force`,
 * which removes their access. The row stays for history and its name becomes free.
 */
export async function deletePackage(deps: EngineDeps, actor: Actor, input: unknown): Promise<DeletedPackage> {
  const { packageId, force, note } = parseInput(deletePackageInput, input);
  return inTransaction(deps, async (tx, now) => {
    const pkg = await loadPackage(tx, packageId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
    const active = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(
        and(eq(assignments.packageId, packageId), inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES])),
      )
      .orderBy(assignments.id)
      .for('update');
    if (active.length > 0 && !force) {
      const people = active.length === 1 ? '1 person holds it' : `${active.length} people hold it`;
      throw new GatehouseError(
        'package.has_assignments',
        `${pkg.name} can't be deleted: ${people}. Delete it with force to remove their access too.`,
        { activeAssignments: active.length, packageName: pkg.name },
      );
    }
    const why = note ?? `${pkg.name} was deleted.`;
    const { ended, fulfilmentIds } = await endAssignments(
      tx,
      now,
      actor,
      active.map((a) => a.id),
      'package_deleted',
      why,
    );
    const canceledRequestIds = await cancelOpenRequests(tx, now, actor, { packageId }, why);
    // A review of a deleted package has nothing left to decide.
    await cancelActiveReviewsOf(tx, now, actor, { id: packageId, catalogId: pkg.catalogId }, why);
    await tx
      .delete(packageIncompatibilities)
      .where(
        or(
          eq(packageIncompatibilities.packageId, packageId),
          eq(packageIncompatibilities.otherPackageId, packageId),
        ),
      );
    await tx
      .update(accessPackages)
      .set({ deletedAt: now, updatedAt: now })
      .where(eq(accessPackages.id, packageId));
    await audit(tx, now, actor, {
      action: 'package.deleted',
      catalogId: pkg.catalogId,
      packageId,
      data: {
        name: pkg.name,
        force,
        endedAssignments: ended.length,
        canceledRequests: canceledRequestIds.length,
        ...(note ? { note } : {}),
      },
    });
    return { packageId, endedAssignmentIds: ended.map((e) => e.id), canceledRequestIds, fulfilmentIds };
  });
}

/**
 * Adds a resource role to a package; everyone who holds the package gets it too. The returned
 * fulfilments are delivered after commit (deliverFulfilments).
 */
export async function addResourceRole(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<PackageResourceRole & { fulfilmentIds: number[] }> {
  const parsed = parseInput(addResourceRoleInput, input);
  return refuseOnResourceRace(() =>
    inTransaction(deps, async (tx, now) => {
      const pkg = await loadPackage(tx, parsed.packageId);
      await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
      const catalog = await loadCatalog(tx, pkg.catalogId);
      return addRoleAndGrant(tx, deps, now, actor, pkg, catalog, parsed);
    }),
  );
}

/**
 * addResourceRole in the caller's transaction (the caller has checked permission): the role,
 * and grants queued for everyone who holds the package, to deliver after commit.
 */
export async function addRoleAndGrant(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  catalog: Catalog,
  ref: ResourceRoleRef,
): Promise<PackageResourceRole & { fulfilmentIds: number[] }> {
  const added = await addRole(tx, deps, now, actor, pkg, catalog, ref);
  const fulfilmentIds = await grantRoleToActiveAssignees(tx, now, {
    packageId: pkg.id,
    resourceId: added.resource.id,
    role: added.role,
  });
  if (fulfilmentIds.length > 0) wakeAfterCommit(tx, 'delivery');
  return { ...added, fulfilmentIds };
}

/** Takes a resource role off a package; its holders lose it unless another package grants it. */
export async function removeResourceRole(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ fulfilmentIds: number[] }> {
  const { packageId, resourceId, role } = parseInput(removeResourceRoleInput, input);
  return inTransaction(deps, async (tx, now) => {
    const pkg = await loadPackage(tx, packageId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
    return { fulfilmentIds: await removeRole(tx, now, actor, pkg, resourceId, role) };
  });
}

/**
 * removeResourceRole in the caller's transaction (the caller has checked permission): the
 * revokes queued for its holders, to deliver after commit.
 */
export async function removeRole(
  tx: Db,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  resourceId: number,
  role: string,
): Promise<number[]> {
  const packageId = pkg.id;
  // Deleted before the revokes are queued, so this package no longer counts as granting it.
  const deleted = await tx
    .delete(packageResourceRoles)
    .where(
      and(
        eq(packageResourceRoles.packageId, packageId),
        eq(packageResourceRoles.resourceId, resourceId),
        eq(packageResourceRoles.role, role),
      ),
    )
    .returning({ id: packageResourceRoles.id });
  if (deleted.length === 0) {
    throw new GatehouseError(
      'package.role_not_found',
      `${pkg.name} doesn't grant ${role} on that resource.`,
      {
        resourceId,
        role,
      },
    );
  }
  const fulfilmentIds = await revokeRoleFromActiveAssignees(tx, now, { packageId, resourceId, role });
  if (fulfilmentIds.length > 0) wakeAfterCommit(tx, 'delivery');
  await audit(tx, now, actor, {
    action: 'package.role_removed',
    catalogId: pkg.catalogId,
    packageId,
    resourceId,
    data: { role, revokesQueued: fulfilmentIds.length },
  });
  return fulfilmentIds;
}

async function addRole(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  catalog: Catalog,
  ref: ResourceRoleRef,
): Promise<PackageResourceRole> {
  const { resource, registered } = await resolveResource(tx, deps, now, actor, pkg, catalog, ref);
  if (!resource.roles.includes(ref.role)) {
    throw new GatehouseError(
      'resource.role_unknown',
      `${resource.name} has no role "${ref.role}": choose one of ${resource.roles.join(', ')}.`,
      { resourceId: resource.id, role: ref.role, roles: resource.roles },
    );
  }
  const inserted = await tx
    .insert(packageResourceRoles)
    .values({ packageId: pkg.id, resourceId: resource.id, role: ref.role, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: packageResourceRoles.id });
  if (inserted.length === 0) {
    throw new GatehouseError(
      'package.role_exists',
      `${pkg.name} already grants ${ref.role} on ${resource.name}.`,
      { resourceId: resource.id, role: ref.role },
    );
  }
  await audit(tx, now, actor, {
    action: 'package.role_added',
    catalogId: pkg.catalogId,
    packageId: pkg.id,
    resourceId: resource.id,
    data: { role: ref.role, resource: resource.name, kind: resource.kind, registered },
  });
  return { resource: toResourceView(resource), role: ref.role, registered };
}

async function resolveResource(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  catalog: Catalog,
  ref: ResourceRoleRef,
): Promise<{ resource: Resource; registered: boolean }> {
  const elsewhere = (resource: Resource, catalogName: string) =>
    new GatehouseError(
      'resource.already_registered',
      `${resource.name} is registered in the ${catalogName} catalog; ${pkg.name} can only use resources of ${catalog.name}.`,
      { resourceId: resource.id, catalogName },
    );
  if ('resourceId' in ref) {
    const resource = await loadResource(tx, ref.resourceId);
    if (resource.catalogId !== pkg.catalogId) {
      const owner = await loadCatalog(tx, resource.catalogId);
      throw elsewhere(resource, owner.name);
    }
    return { resource, registered: false };
  }
  const found = await findRegistered(tx, ref.resource.kind, ref.resource.externalId);
  if (found) {
    if (found.resource.catalogId !== pkg.catalogId) throw elsewhere(found.resource, found.catalogName);
    return { resource: found.resource, registered: false };
  }
  return {
    resource: await insertResource(tx, deps, now, actor, pkg.catalogId, ref.resource),
    registered: true,
  };
}

async function refuseTakenName(tx: Db, name: string, exceptPackageId?: number): Promise<void> {
  const [clash] = await tx
    .select({ id: accessPackages.id, name: accessPackages.name })
    .from(accessPackages)
    .where(and(sql`lower(${accessPackages.name}) = lower(${name})`, isNull(accessPackages.deletedAt)));
  if (clash && clash.id !== exceptPackageId) throw nameTaken(clash.name);
}
