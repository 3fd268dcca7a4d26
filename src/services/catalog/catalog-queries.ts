import { and, asc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  type AccessPackage,
  accessPackages,
  catalogRoleHolders,
  catalogs,
  type Policy,
  packageIncompatibilities,
  packageResourceRoles,
  policies,
  resources,
} from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { type PolicySettings, type Requestor, requestEligibility } from '../../domain/policy.js';
import { isGlobalAdmin, requireGlobalAdmin, requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { ACTIVE_ASSIGNMENTS } from '../sql-lists.js';
import { auditingRefusals, inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { idSchema, slackUserIdSchema } from './loaders.js';
import { policySettingsOf } from './policies.js';

const listPackagesInput = z
  .object({ catalogId: idSchema.optional(), includeHidden: z.boolean().default(false) })
  .default({ includeHidden: false });
const packageRefInput = z.object({
  package: z.union([z.number().int().positive(), z.string().trim().min(1).max(80)]),
});
const findInput = z.object({ text: z.string().trim().min(1, 'type part of a package name').max(200) });
const requestableInput = z.object({ userId: slackUserIdSchema });

const FIND_LIMIT = 10;

export interface PackageSummary {
  id: number;
  name: string;
  description: string;
  hidden: boolean;
  catalogId: number;
  catalogName: string;
  resourceRoleCount: number;
  policyCount: number;
  activeAssignmentCount: number;
}

/**
 * Packages that are not deleted, by name: of one catalog (its readers and up), or of every
 * catalog the actor can read (admins: all). Hidden ones only when asked.
 */
export async function listPackages(
  deps: EngineDeps,
  actor: Actor,
  input?: unknown,
): Promise<PackageSummary[]> {
  const { catalogId, includeHidden } = parseInput(listPackagesInput, input);
  return inTransaction(deps, async (tx) => {
    const conditions: (SQL | undefined)[] = [isNull(accessPackages.deletedAt)];
    if (!includeHidden) conditions.push(eq(accessPackages.hidden, false));
    if (catalogId !== undefined) {
      await requirePermission(tx, deps, actor, catalogId, 'catalog.read');
      conditions.push(eq(accessPackages.catalogId, catalogId));
    } else if (!isGlobalAdmin(deps, actor)) {
      conditions.push(
        inArray(
          accessPackages.catalogId,
          tx
            .select({ id: catalogRoleHolders.catalogId })
            .from(catalogRoleHolders)
            .where(eq(catalogRoleHolders.userId, actor.userId)),
        ),
      );
    }
    const rows = await tx
      .select({
        id: accessPackages.id,
        name: accessPackages.name,
        description: accessPackages.description,
        hidden: accessPackages.hidden,
        catalogId: accessPackages.catalogId,
        catalogName: catalogs.name,
        resourceRoleCount: sql<number>`(select count(*)::int from package_resource_roles r
          where r.package_id = access_packages.id)`,
        policyCount: sql<number>`(select count(*)::int from policies po
          where po.package_id = access_packages.id and po.deleted_at is null)`,
        activeAssignmentCount: sql<number>`(select count(*)::int from assignments a
          where a.package_id = access_packages.id and a.state in ${ACTIVE_ASSIGNMENTS})`,
      })
      .from(accessPackages)
      .innerJoin(catalogs, eq(catalogs.id, accessPackages.catalogId))
      .where(and(...conditions))
      .orderBy(asc(sql`lower(${accessPackages.name})`), asc(accessPackages.id));
    return rows.map((r) => ({
      ...r,
      resourceRoleCount: Number(r.resourceRoleCount),
      policyCount: Number(r.policyCount),
      activeAssignmentCount: Number(r.activeAssignmentCount),
    }));
  });
}

export interface PackageDetails {
  package: AccessPackage;
  catalog: { id: number; name: string };
  resourceRoles: {
    resourceId: number;
    resourceName: string;
    kind: (typeof resources.$inferSelect)['kind'];
    externalId: string;
    role: string;
  }[];
  /** Highest priority first. */
  policies: Policy[];
  incompatiblePackages: { id: number; name: string }[];
}

/** One package (by id, or by exact name ignoring case) with everything an admin screen shows. */
export async function getPackageDetails(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<PackageDetails> {
  const { package: ref } = parseInput(packageRefInput, input);
  return inTransaction(deps, async (tx) => {
    const [found] = await tx
      .select({ pkg: accessPackages, catalogName: catalogs.name })
      .from(accessPackages)
      .innerJoin(catalogs, eq(catalogs.id, accessPackages.catalogId))
      .where(
        and(
          isNull(accessPackages.deletedAt),
          typeof ref === 'number'
            ? eq(accessPackages.id, ref)
            : sql`lower(${accessPackages.name}) = lower(${ref})`,
        ),
      );
    if (!found) {
      throw new GatehouseError(
        'package.not_found',
        typeof ref === 'number'
          ? `There is no access package with id ${ref}.`
          : `There is no access package called ${ref}.`,
      );
    }
    const pkg = found.pkg;
    await requirePermission(tx, deps, actor, pkg.catalogId, 'catalog.read');
    const resourceRoles = await tx
      .select({
        resourceId: resources.id,
        resourceName: resources.name,
        kind: resources.kind,
        externalId: resources.externalId,
        role: packageResourceRoles.role,
      })
      .from(packageResourceRoles)
      .innerJoin(resources, eq(resources.id, packageResourceRoles.resourceId))
      .where(eq(packageResourceRoles.packageId, pkg.id))
      .orderBy(asc(resources.name), asc(packageResourceRoles.role));
    const policyRows = await tx
      .select()
      .from(policies)
      .where(and(eq(policies.packageId, pkg.id), isNull(policies.deletedAt)))
      .orderBy(asc(policies.priority), asc(policies.id));
    const incompatiblePackages = await tx
      .select({ id: accessPackages.id, name: accessPackages.name })
      .from(packageIncompatibilities)
      .innerJoin(
        accessPackages,
        or(
          and(
            eq(packageIncompatibilities.packageId, pkg.id),
            eq(accessPackages.id, packageIncompatibilities.otherPackageId),
          ),
          and(
            eq(packageIncompatibilities.otherPackageId, pkg.id),
            eq(accessPackages.id, packageIncompatibilities.packageId),
          ),
        ),
      )
      .where(isNull(accessPackages.deletedAt))
      .orderBy(asc(accessPackages.name));
    return {
      package: pkg,
      catalog: { id: pkg.catalogId, name: found.catalogName },
      resourceRoles,
      policies: policyRows,
      incompatiblePackages,
    };
  });
}

export interface FoundPackage {
  id: number;
  name: string;
  description: string;
  catalogId: number;
}

/**
 * Packages whose name matches what someone typed, best first: the exact name (ignoring case),
 * then names starting with it, then names containing it, then names containing every word.
 * Hidden and deleted packages are never offered. At most 10.
 */
export async function findPackagesByName(
  deps: EngineDeps,
  _actor: Actor,
  input: unknown,
): Promise<FoundPackage[]> {
  const { text } = parseInput(findInput, input);
  const needle = text.toLowerCase().replace(/\s+/g, ' ');
  const words = [...new Set(needle.split(' '))];
  const name = sql`lower(${accessPackages.name})`;
  const allWords = sql.join(
    words.map((w) => sql`strpos(${name}, ${w}) > 0`),
    sql` and `,
  );
  const rank = sql<number>`case
    when ${name} = ${needle} then 0
    when starts_with(${name}, ${needle}) then 1
    when strpos(${name}, ${needle}) > 0 then 2
    when ${allWords} then 3
  end`;
  return inTransaction(deps, async (tx) => {
    const rows = await tx
      .select({
        id: accessPackages.id,
        name: accessPackages.name,
        description: accessPackages.description,
        catalogId: accessPackages.catalogId,
        rank,
      })
      .from(accessPackages)
      .where(
        and(isNull(accessPackages.deletedAt), eq(accessPackages.hidden, false), sql`${rank} is not null`),
      )
      .orderBy(asc(rank), asc(name), asc(accessPackages.id))
      .limit(FIND_LIMIT);
    return rows.map(({ rank: _rank, ...row }) => row);
  });
}

export interface RequestablePolicy {
  id: number;
  name: string;
  priority: number;
  version: number;
  settings: PolicySettings;
}

export interface RequestablePackage {
  package: { id: number; name: string; description: string; catalogId: number; catalogName: string };
  /** The policies that let this user request it, highest priority first (the first is the default). */
  policies: RequestablePolicy[];
}

/**
 * What a user may request: every visible package with a policy that lets them (specific people,
 * their user groups from the cached membership, or every member), with those policies in
 * priority order. One statement, outside any transaction (a read: nothing to wake, no BEGIN or
 * COMMIT), whatever the number of packages: the person's kind and groups are read in it. A user
 * Slack has not told us about yet counts as a guest: only policies naming them or their groups apply.
 */
export async function requestablePackages(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<RequestablePackage[]> {
  const { userId } = parseInput(requestableInput, input);
  if (actor.userId !== userId) {
    await auditingRefusals(deps, () => requireGlobalAdmin(deps, actor, 'see what someone else can request'));
  }
  // The person as the store knows them; uncorrelated, so each is read once for the statement.
  const kind = sql<Requestor['kind']>`coalesce((select u.kind from users u where u.id = ${userId}), 'guest')`;
  const isExternal = sql<boolean>`coalesce((select u.is_external from users u where u.id = ${userId}), false)`;
  const deactivated = sql<boolean>`coalesce((select u.deactivated from users u where u.id = ${userId}), false)`;
  const groups = sql<string[]>`array(select m.usergroup_id from usergroup_members m
    where m.user_id = ${userId} order by m.usergroup_id)`;
  // The same rule as requestEligibility: someone external only by name, where the policy allows it.
  const inScope = sql`(
    (${kind} = 'member' and not ${isExternal} and ${policies.requestorScope} = 'all_members')
    or (${policies.requestorScope} = 'specific'
        and (not ${isExternal} or ${policies.allowExternalRequestors})
        and (${userId} = any(${policies.requestorUserIds}) or ${policies.requestorUsergroupIds} && ${groups}))
  )`;
  const rows = await deps.database.db
    .select({
      pkg: {
        id: accessPackages.id,
        name: accessPackages.name,
        description: accessPackages.description,
        catalogId: accessPackages.catalogId,
        catalogName: catalogs.name,
      },
      policy: policies,
      who: { kind, isExternal, deactivated, groups },
    })
    .from(accessPackages)
    .innerJoin(catalogs, eq(catalogs.id, accessPackages.catalogId))
    .innerJoin(policies, and(eq(policies.packageId, accessPackages.id), isNull(policies.deletedAt)))
    .where(
      and(
        isNull(accessPackages.deletedAt),
        eq(accessPackages.hidden, false),
        eq(policies.requestsEnabled, true),
        sql`not ${deactivated} and ${kind} <> 'bot'`,
        inScope,
      ),
    )
    .orderBy(
      asc(sql`lower(${accessPackages.name})`),
      asc(accessPackages.id),
      asc(policies.priority),
      asc(policies.id),
    );
  const result: RequestablePackage[] = [];
  let requestor: Requestor | null = null;
  for (const row of rows) {
    requestor ??= {
      userId,
      kind: row.who.kind,
      isExternal: Boolean(row.who.isExternal),
      deactivated: Boolean(row.who.deactivated),
      usergroupIds: row.who.groups ?? [],
    };
    const settings = policySettingsOf(row.policy);
    if (requestEligibility(settings, requestor) !== 'eligible') continue;
    let entry = result.at(-1);
    if (entry?.package.id !== row.pkg.id) {
      entry = { package: row.pkg, policies: [] };
      result.push(entry);
    }
    entry.policies.push({
      id: row.policy.id,
      name: row.policy.name,
      priority: row.policy.priority,
      version: row.policy.version,
      settings,
    });
  }
  return result;
}

/**
 * Whether any live policy lets people from other organisations (Slack Connect) request: without
 * one, commands from another workspace are refused before anything else.
 */
export async function externalRequestorsAllowed(deps: EngineDeps): Promise<boolean> {
  const rows = await deps.database.db
    .select({ id: policies.id })
    .from(policies)
    .innerJoin(accessPackages, eq(accessPackages.id, policies.packageId))
    .where(
      and(
        eq(policies.allowExternalRequestors, true),
        eq(policies.requestorScope, 'specific'),
        isNull(policies.deletedAt),
        isNull(accessPackages.deletedAt),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
