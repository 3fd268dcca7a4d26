import { GatehouseError, isGatehouseError } from '../../src/domain/errors.js';
import { findPackagesByName, getPackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { type CatalogSummary, listCatalogs } from '../../src/services/catalog/catalogs.js';
import type { Actor, EngineDeps } from '../../src/services/context.js';
import { unescapeSlackText } from '../router.js';

export interface PackageRef {
  id: number;
  name: string;
}

const MAX_NAME = 200;

/**
 * The package an admin named: the exact name (ignoring case; hidden packages too), else the one
 * package that matches; several matches are listed so the admin can be exact.
 */
export async function resolvePackage(deps: EngineDeps, actor: Actor, typed: string): Promise<PackageRef> {
  const text = unescapeSlackText(typed).replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
  if (!text) throw new GatehouseError('input.invalid', 'Say which access package, by its name.');
  const found = await findPackagesByName(deps, actor, { text });
  const exact = found.find((p) => p.name.toLowerCase() === text.toLowerCase());
  if (exact) return { id: exact.id, name: exact.name };
  try {
    const details = await getPackageDetails(deps, actor, { package: text });
    return { id: details.package.id, name: details.package.name };
  } catch (error) {
    if (!isGatehouseError(error, 'package.not_found')) throw error;
  }
  if (found.length === 1) return { id: found[0]!.id, name: found[0]!.name };
  if (found.length > 1) {
    throw new GatehouseError(
      'package.not_found',
      `Several access packages match "${text}": ${found.map((p) => p.name).join(', ')}. Say which, with its full name.`,
    );
  }
  throw new GatehouseError('package.not_found', `There is no access package called ${text}.`);
}

/** A catalog the actor can see, by its name (exact, or the only one starting with what was typed). */
export async function resolveCatalog(deps: EngineDeps, actor: Actor, typed: string): Promise<CatalogSummary> {
  const text = unescapeSlackText(typed).replace(/\s+/g, ' ').trim();
  const catalogs = await listCatalogs(deps, actor);
  const lower = text.toLowerCase();
  const exact = catalogs.find((c) => c.name.toLowerCase() === lower);
  if (exact) return exact;
  const starting = catalogs.filter((c) => c.name.toLowerCase().startsWith(lower));
  if (text && starting.length === 1) return starting[0]!;
  if (text && starting.length > 1) {
    throw new GatehouseError(
      'catalog.not_found',
      `Several catalogs start with "${text}": ${starting.map((c) => c.name).join(', ')}. Say which, with its full name.`,
    );
  }
  throw new GatehouseError(
    'catalog.not_found',
    catalogs.length
      ? `There is no catalog called ${text} that you can see. Yours: ${catalogs.map((c) => c.name).join(', ')}.`
      : `There is no catalog called ${text} that you can see: you hold no catalog role.`,
  );
}
