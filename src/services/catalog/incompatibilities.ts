import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { type AccessPackage, accessPackages, packageIncompatibilities } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { idSchema, loadPackage } from './loaders.js';

/**
 * Separation of duties between packages: pairs marked incompatible (a user holding one can't
 * request the other). Pairs are symmetric, stored once with the lower id first.
 */

const incompatibleInput = z.object({
  packageId: idSchema,
  otherPackageIds: z.array(idSchema).max(100),
});

/** The packages marked incompatible with `packageId` (a pair is stored once, in either column). */
export async function incompatiblePackageIds(tx: Db, packageId: number): Promise<number[]> {
  const pairs = await tx
    .select({ a: packageIncompatibilities.packageId, b: packageIncompatibilities.otherPackageId })
    .from(packageIncompatibilities)
    .where(
      or(
        eq(packageIncompatibilities.packageId, packageId),
        eq(packageIncompatibilities.otherPackageId, packageId),
      ),
    );
  return pairs.map((p) => (p.a === packageId ? p.b : p.a));
}

/**
 * Replaces the set of packages `packageId` is incompatible with: a user holding one can't
 * request the other. Pairs are symmetric, stored once with the lower id first.
 */
export async function setIncompatiblePackages(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ packageId: number; incompatibleWith: number[]; added: number[]; removed: number[] }> {
  const { packageId, otherPackageIds } = parseInput(incompatibleInput, input);
  const wanted = [...new Set(otherPackageIds)].sort((a, b) => a - b);
  return inTransaction(deps, async (tx, now) => {
    const pkg = await loadPackage(tx, packageId);
    if (wanted.includes(packageId)) {
      throw new GatehouseError('input.invalid', `${pkg.name} can't be incompatible with itself.`, {
        fields: { otherPackageIds: 'must not include the package itself' },
      });
    }
    await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
    return writeIncompatibilities(tx, deps, now, actor, pkg, wanted);
  });
}

/**
 * setIncompatiblePackages in the caller's transaction (the caller has checked permission in the
 * package's catalog and that `wanted`, sorted and without duplicates, leaves the package out).
 */
export async function writeIncompatibilities(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  wanted: number[],
): Promise<{ packageId: number; incompatibleWith: number[]; added: number[]; removed: number[] }> {
  const packageId = pkg.id;
  const others = wanted.length
    ? await tx
        .select({ id: accessPackages.id, catalogId: accessPackages.catalogId })
        .from(accessPackages)
        .where(and(inArray(accessPackages.id, wanted), isNull(accessPackages.deletedAt)))
    : [];
  const missing = wanted.filter((id) => !others.some((o) => o.id === id));
  if (missing.length > 0) {
    throw new GatehouseError(
      'package.not_found',
      `There is no access package with id ${missing.join(', ')}.`,
    );
  }
  const current = await incompatiblePackageIds(tx, packageId);
  const added = wanted.filter((id) => !current.includes(id));
  const removed = current.filter((id) => !wanted.includes(id)).sort((a, b) => a - b);
  if (added.length === 0 && removed.length === 0) {
    return { packageId, incompatibleWith: wanted, added, removed };
  }
  const touchedCatalogs = new Set<number>();
  const catalogOf = new Map(others.map((o) => [o.id, o.catalogId]));
  if (removed.length > 0) {
    const removedRows = await tx
      .select({ id: accessPackages.id, catalogId: accessPackages.catalogId })
      .from(accessPackages)
      .where(inArray(accessPackages.id, removed));
    for (const r of removedRows) catalogOf.set(r.id, r.catalogId);
  }
  for (const id of [...added, ...removed]) {
    const catalogId = catalogOf.get(id);
    if (catalogId !== undefined && catalogId !== pkg.catalogId) touchedCatalogs.add(catalogId);
  }
  for (const catalogId of touchedCatalogs) {
    await requirePermission(tx, deps, actor, catalogId, 'package.manage');
  }
  for (const id of removed) {
    const [low, high] = id < packageId ? [id, packageId] : [packageId, id];
    await tx
      .delete(packageIncompatibilities)
      .where(
        and(eq(packageIncompatibilities.packageId, low), eq(packageIncompatibilities.otherPackageId, high)),
      );
  }
  if (added.length > 0) {
    await tx.insert(packageIncompatibilities).values(
      added.map((id) => ({
        packageId: Math.min(id, packageId),
        otherPackageId: Math.max(id, packageId),
        createdBy: actor.userId,
        createdAt: now,
      })),
    );
  }
  await audit(tx, now, actor, {
    action: 'package.incompatibility_set',
    catalogId: pkg.catalogId,
    packageId,
    data: { incompatibleWith: wanted, added, removed },
  });
  return { packageId, incompatibleWith: wanted, added, removed };
}
