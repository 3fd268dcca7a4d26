import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  type AccessPackage,
  accessPackages,
  type Catalog,
  catalogs,
  type Policy,
  policies,
  type Resource,
  resources,
} from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { sqlState, UNIQUE_VIOLATION, violatedConstraint } from '../tx.js';

/** The catalog every workspace starts with; it can be neither renamed nor deleted. */
export const GENERAL_CATALOG = 'General';

export const idSchema = z.coerce.number().int().positive();

/** Catalog and package names: what people read in lists and type after `/access request`. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'give it a name')
  .max(80, 'keep the name to 80 characters or fewer');

export const slackUserIdSchema = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD');

export async function loadCatalog(tx: Db, catalogId: number): Promise<Catalog> {
  const [row] = await tx.select().from(catalogs).where(eq(catalogs.id, catalogId));
  if (!row) throw new GatehouseError('catalog.not_found', `There is no catalog with id ${catalogId}.`);
  return row;
}

export async function loadGeneralCatalog(tx: Db): Promise<Catalog> {
  const [row] = await tx.select().from(catalogs).where(eq(catalogs.name, GENERAL_CATALOG));
  if (!row) throw new GatehouseError('catalog.not_found', 'The General catalog is missing.');
  return row;
}

/** A package that is not deleted. */
export async function loadPackage(tx: Db, packageId: number): Promise<AccessPackage> {
  const [row] = await tx
    .select()
    .from(accessPackages)
    .where(and(eq(accessPackages.id, packageId), isNull(accessPackages.deletedAt)));
  if (!row) throw new GatehouseError('package.not_found', `There is no access package with id ${packageId}.`);
  return row;
}

/** A resource that is not removed. */
export async function loadResource(tx: Db, resourceId: number): Promise<Resource> {
  const [row] = await tx
    .select()
    .from(resources)
    .where(and(eq(resources.id, resourceId), isNull(resources.removedAt)));
  if (!row) throw new GatehouseError('resource.not_found', `There is no resource with id ${resourceId}.`);
  return row;
}

/** A policy that is not deleted, of a package that is not deleted. */
export async function loadPolicy(tx: Db, policyId: number): Promise<{ policy: Policy; pkg: AccessPackage }> {
  const [row] = await tx
    .select({ policy: policies, pkg: accessPackages })
    .from(policies)
    .innerJoin(accessPackages, eq(accessPackages.id, policies.packageId))
    .where(and(eq(policies.id, policyId), isNull(policies.deletedAt), isNull(accessPackages.deletedAt)));
  if (!row) throw new GatehouseError('policy.not_found', `There is no policy with id ${policyId}.`);
  return row;
}

/**
 * Runs a service and turns a unique violation on `constraint` into the refusal a person
 * understands. The services check first; this covers the race where two people submit at once.
 */
export async function refuseOnUniqueViolation<T>(
  constraint: string,
  refusal: () => GatehouseError,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION && violatedConstraint(error) === constraint) throw refusal();
    throw error;
  }
}
