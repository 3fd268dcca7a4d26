import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  accessPackages,
  type Catalog,
  catalogRoleHolders,
  catalogs,
  resources,
  users,
} from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { CATALOG_ROLES, type CatalogRole, describeRole } from '../../domain/roles.js';
import { audit } from '../audit.js';
import { isGlobalAdmin, requireGlobalAdmin, requirePermission } from '../authz.js';
import { type Actor, type EngineDeps, isSystemActor } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import {
  displayNameSchema,
  GENERAL_CATALOG,
  idSchema,
  loadCatalog,
  loadGeneralCatalog,
  refuseOnUniqueViolation,
  slackUserIdSchema,
} from './loaders.js';

const descriptionSchema = z.string().trim().max(1000, 'keep the description to 1000 characters or fewer');

const createCatalogInput = z.object({
  name: displayNameSchema,
  description: descriptionSchema.default(''),
});

const renameCatalogInput = z.object({ catalogId: idSchema, name: displayNameSchema });
const catalogIdInput = z.object({ catalogId: idSchema });
const catalogRoleInput = z.object({
  catalogId: idSchema,
  userId: slackUserIdSchema,
  role: z.enum(CATALOG_ROLES),
});

const nameTaken = (name: string) =>
  new GatehouseError('catalog.name_taken', `There is already a catalog called ${name}. Pick another name.`, {
    name,
  });

/** Creates a catalog (global admins only); its creator becomes its owner. */
export async function createCatalog(deps: EngineDeps, actor: Actor, input: unknown): Promise<Catalog> {
  const { name, description } = parseInput(createCatalogInput, input);
  return refuseOnUniqueViolation(
    'catalogs_name_key',
    () => nameTaken(name),
    () =>
      inTransaction(deps, async (tx, now) => {
        requireGlobalAdmin(deps, actor, 'create a catalog');
        await refuseTakenName(tx, name);
        const [catalog] = await tx
          .insert(catalogs)
          .values({ name, description, createdBy: actor.userId, createdAt: now, updatedAt: now })
          .returning();
        await audit(tx, now, actor, {
          action: 'catalog.created',
          catalogId: catalog!.id,
          data: { name, description },
        });
        if (!isSystemActor(actor)) {
          await tx.insert(catalogRoleHolders).values({
            catalogId: catalog!.id,
            userId: actor.userId,
            role: 'owner',
            grantedBy: actor.userId,
            grantedAt: now,
          });
          await audit(tx, now, actor, {
            action: 'catalog.role_granted',
            catalogId: catalog!.id,
            subjectUserId: actor.userId,
            data: { role: 'owner', userId: actor.userId },
          });
        }
        return catalog!;
      }),
  );
}

export async function renameCatalog(deps: EngineDeps, actor: Actor, input: unknown): Promise<Catalog> {
  const { catalogId, name } = parseInput(renameCatalogInput, input);
  return refuseOnUniqueViolation(
    'catalogs_name_key',
    () => nameTaken(name),
    () =>
      inTransaction(deps, async (tx, now) => {
        const catalog = await loadCatalog(tx, catalogId);
        await requirePermission(tx, deps, actor, catalogId, 'catalog.manage');
        refuseIfGeneral(catalog, 'renamed');
        if (catalog.name === name) return catalog;
        await refuseTakenName(tx, name, catalogId);
        const [renamed] = await tx
          .update(catalogs)
          .set({ name, updatedAt: now })
          .where(eq(catalogs.id, catalogId))
          .returning();
        await audit(tx, now, actor, {
          action: 'catalog.renamed',
          catalogId,
          data: { from: { name: catalog.name }, to: { name } },
        });
        return renamed!;
      }),
  );
}

export interface CatalogSummary {
  id: number;
  name: string;
  description: string;
  /** The roles the asking person holds here (empty for a global admin without one). */
  myRoles: CatalogRole[];
  packageCount: number;
  resourceCount: number;
}

/** Admins see every catalog; everyone else the catalogs where they hold a role. */
export async function listCatalogs(
  deps: EngineDeps,
  actor: Actor,
  _input?: unknown,
): Promise<CatalogSummary[]> {
  return inTransaction(deps, async (tx) => {
    const roleRows = await tx
      .select({ catalogId: catalogRoleHolders.catalogId, role: catalogRoleHolders.role })
      .from(catalogRoleHolders)
      .where(eq(catalogRoleHolders.userId, actor.userId));
    const myRoles = new Map<number, CatalogRole[]>();
    for (const r of roleRows) myRoles.set(r.catalogId, [...(myRoles.get(r.catalogId) ?? []), r.role]);
    const admin = isGlobalAdmin(deps, actor);
    if (!admin && myRoles.size === 0) return [];
    const rows = await tx
      .select({
        id: catalogs.id,
        name: catalogs.name,
        description: catalogs.description,
        // Raw SQL: drizzle leaves columns unqualified in a one-table select, which a subquery misreads.
        packageCount: sql<number>`(select count(*)::int from access_packages p
          where p.catalog_id = catalogs.id and p.deleted_at is null)`,
        resourceCount: sql<number>`(select count(*)::int from resources r
          where r.catalog_id = catalogs.id and r.removed_at is null)`,
      })
      .from(catalogs)
      .where(admin ? undefined : inArray(catalogs.id, [...myRoles.keys()]))
      .orderBy(asc(sql`lower(${catalogs.name})`));
    return rows.map((r) => ({
      ...r,
      packageCount: Number(r.packageCount),
      resourceCount: Number(r.resourceCount),
      myRoles: myRoles.get(r.id) ?? [],
    }));
  });
}

/**
 * Deletes an empty catalog. Deleted packages and removed resources keep their history, so they
 * move to General (their audit rows still name the catalog they were in).
 */
export async function deleteCatalog(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ catalogId: number; name: string }> {
  const { catalogId } = parseInput(catalogIdInput, input);
  return inTransaction(deps, async (tx, now) => {
    const catalog = await loadCatalog(tx, catalogId);
    await requirePermission(tx, deps, actor, catalogId, 'catalog.manage');
    refuseIfGeneral(catalog, 'deleted');
    const livePackages = await tx
      .select({ name: accessPackages.name })
      .from(accessPackages)
      .where(and(eq(accessPackages.catalogId, catalogId), isNull(accessPackages.deletedAt)))
      .orderBy(asc(accessPackages.name));
    const liveResources = await tx
      .select({ name: resources.name })
      .from(resources)
      .where(and(eq(resources.catalogId, catalogId), isNull(resources.removedAt)))
      .orderBy(asc(resources.name));
    if (livePackages.length > 0 || liveResources.length > 0) {
      const parts = [
        livePackages.length > 0 ? `access packages (${livePackages.map((p) => p.name).join(', ')})` : null,
        liveResources.length > 0 ? `resources (${liveResources.map((r) => r.name).join(', ')})` : null,
      ].filter(Boolean);
      throw new GatehouseError(
        'catalog.not_empty',
        `${catalog.name} still has ${parts.join(' and ')}. Delete the packages and remove the resources first.`,
        { packages: livePackages.length, resources: liveResources.length },
      );
    }
    const general = await loadGeneralCatalog(tx);
    await tx
      .update(accessPackages)
      .set({ catalogId: general.id })
      .where(eq(accessPackages.catalogId, catalogId));
    await tx.update(resources).set({ catalogId: general.id }).where(eq(resources.catalogId, catalogId));
    await tx.delete(catalogs).where(eq(catalogs.id, catalogId));
    await audit(tx, now, actor, { action: 'catalog.deleted', catalogId, data: { name: catalog.name } });
    return { catalogId, name: catalog.name };
  });
}

/** Grants a catalog role; granting one already held changes nothing and writes no audit row. */
export async function grantCatalogRole(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ granted: boolean }> {
  const { catalogId, userId, role } = parseInput(catalogRoleInput, input);
  return inTransaction(deps, async (tx, now) => {
    await loadCatalog(tx, catalogId);
    await requirePermission(tx, deps, actor, catalogId, 'catalog.manage');
    const inserted = await tx
      .insert(catalogRoleHolders)
      .values({ catalogId, userId, role, grantedBy: actor.userId, grantedAt: now })
      .onConflictDoNothing()
      .returning({ userId: catalogRoleHolders.userId });
    if (inserted.length === 0) return { granted: false };
    await audit(tx, now, actor, {
      action: 'catalog.role_granted',
      catalogId,
      subjectUserId: userId,
      data: { role, userId },
    });
    return { granted: true };
  });
}

/** Revokes a catalog role; revoking one not held changes nothing. */
export async function revokeCatalogRole(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ revoked: boolean }> {
  const { catalogId, userId, role } = parseInput(catalogRoleInput, input);
  return inTransaction(deps, async (tx, now) => {
    await loadCatalog(tx, catalogId);
    await requirePermission(tx, deps, actor, catalogId, 'catalog.manage');
    const deleted = await tx
      .delete(catalogRoleHolders)
      .where(
        and(
          eq(catalogRoleHolders.catalogId, catalogId),
          eq(catalogRoleHolders.userId, userId),
          eq(catalogRoleHolders.role, role),
        ),
      )
      .returning({ userId: catalogRoleHolders.userId });
    if (deleted.length === 0) return { revoked: false };
    await audit(tx, now, actor, {
      action: 'catalog.role_revoked',
      catalogId,
      subjectUserId: userId,
      data: { role, userId },
    });
    return { revoked: true };
  });
}

export interface CatalogRoleHolder {
  userId: string;
  userName: string | null;
  role: CatalogRole;
  roleName: string;
  grantedBy: string;
  grantedAt: Date;
}

/** Who holds which role in a catalog (anyone who can see the catalog may ask). */
export async function listCatalogRoles(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<CatalogRoleHolder[]> {
  const { catalogId } = parseInput(catalogIdInput, input);
  return inTransaction(deps, async (tx) => {
    await loadCatalog(tx, catalogId);
    await requirePermission(tx, deps, actor, catalogId, 'catalog.read');
    const rows = await tx
      .select({
        userId: catalogRoleHolders.userId,
        userName: users.name,
        role: catalogRoleHolders.role,
        grantedBy: catalogRoleHolders.grantedBy,
        grantedAt: catalogRoleHolders.grantedAt,
      })
      .from(catalogRoleHolders)
      .leftJoin(users, eq(users.id, catalogRoleHolders.userId))
      .where(eq(catalogRoleHolders.catalogId, catalogId))
      .orderBy(asc(catalogRoleHolders.grantedAt), asc(catalogRoleHolders.userId));
    const order = (role: CatalogRole) => CATALOG_ROLES.indexOf(role);
    return rows
      .map((r) => ({ ...r, roleName: describeRole(r.role) }))
      .sort((a, b) => order(a.role) - order(b.role));
  });
}

async function refuseTakenName(tx: Db, name: string, exceptCatalogId?: number): Promise<void> {
  const [clash] = await tx
    .select({ id: catalogs.id, name: catalogs.name })
    .from(catalogs)
    .where(sql`lower(${catalogs.name}) = lower(${name})`);
  if (clash && clash.id !== exceptCatalogId) throw nameTaken(clash.name);
}

function refuseIfGeneral(catalog: Catalog, what: 'renamed' | 'deleted'): void {
  if (catalog.name === GENERAL_CATALOG) {
    throw new GatehouseError(
      'catalog.protected',
      `${GENERAL_CATALOG} is the built-in catalog and can't be ${what}.`,
      { catalogId: catalog.id },
    );
  }
}
