import { lookup } from 'node:dns/promises';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { accessPackages, catalogs, packageResourceRoles, type Resource, resources } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { literalAddress, networkTargets } from '../../domain/network-targets.js';
import { RESOURCE_KIND_WORDS as KIND_WORDS } from '../../domain/resource-kinds.js';
import { hasPermission } from '../../domain/roles.js';
import { audit } from '../audit.js';
import { actorRoles, forbidden, requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { idSchema, loadCatalog, loadResource, refuseOnUniqueViolation } from './loaders.js';

const resourceNameSchema = z
  .string()
  .trim()
  .min(1, 'give the resource a name')
  .max(80, 'keep the name to 80 characters or fewer');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => URL.canParse(value), 'must be a full address like https://example.com/hook')
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  }, 'must start with https:// (plain http is only allowed for 127.0.0.1 and localhost)');

const webhookRoleSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/, 'role names are letters, digits, space, _ . - (up to 40)');

/** A Slack user group or channel as the admin picked it; also how a package adds one not yet registered. */
export const slackResourceSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('slack_usergroup'),
    externalId: z
      .string()
      .trim()
      .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id like S0123ABCD'),
    name: resourceNameSchema,
  }),
  z.object({
    kind: z.literal('slack_channel'),
    externalId: z
      .string()
      .trim()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id like C0123ABCD'),
    name: resourceNameSchema,
  }),
]);
export type SlackResourceSpec = z.infer<typeof slackResourceSpecSchema>;

const webhookSpecSchema = z.object({
  kind: z.literal('webhook'),
  externalId: z
    .string()
    .trim()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      'must be a short slug like crm-app (lowercase letters, digits, - and _)',
    ),
  name: resourceNameSchema,
  webhookUrl: webhookUrlSchema,
  webhookSecret: z.string().min(16, 'the secret must be at least 16 characters').max(256),
  roles: z
    .array(webhookRoleSchema)
    .min(1, 'declare at least one role')
    .max(20)
    .refine((roles) => new Set(roles).size === roles.length, 'each role name once'),
});

/** `cn=Marketing,ou=Groups,dc=woodgrove,dc=com`: attribute=value pairs, commas escaped as `\,`. */
export const LDAP_DN =
  /^[A-Za-z][A-Za-z0-9-]*=(?:[^,+\\]|\\.)+(?:\s*,\s*[A-Za-z][A-Za-z0-9-]*=(?:[^,+\\]|\\.)+)*$/;

const ldapGroupSpecSchema = z.object({
  kind: z.literal('ldap_group'),
  externalId: z
    .string()
    .trim()
    .max(1000)
    .regex(
      LDAP_DN,
      "must be the group's distinguished name, like cn=Marketing,ou=Groups,dc=woodgrove,dc=com",
    ),
  name: resourceNameSchema,
});

const resourceSpecSchema = z.union([slackResourceSpecSchema, webhookSpecSchema, ldapGroupSpecSchema]);
export type ResourceSpec = z.infer<typeof resourceSpecSchema>;

const registerResourceInput = z.intersection(z.object({ catalogId: idSchema }), resourceSpecSchema);
const resourceIdInput = z.object({ resourceId: idSchema });
const listResourcesInput = z.object({ catalogId: idSchema });
const managedExclusivelyInput = z.object({ resourceId: idSchema, managedExclusively: z.boolean() });

/** A resource as shown to people: never its webhook secret. */
export type ResourceView = Omit<Resource, 'webhookSecret'>;

export function toResourceView(resource: Resource): ResourceView {
  const { webhookSecret: _secret, ...view } = resource;
  return view;
}

function alreadyRegistered(spec: { kind: Resource['kind']; name: string }, catalogName: string | null) {
  return new GatehouseError(
    'resource.already_registered',
    catalogName
      ? `The ${KIND_WORDS[spec.kind]} ${spec.name} is already registered in the ${catalogName} catalog.`
      : `The ${KIND_WORDS[spec.kind]} ${spec.name} is already registered.`,
    { catalogName },
  );
}

/**
 * A webhook may not point into the internal network (server-side request forgery): refused at
 * registration when its host is, or resolves to, an internal address no configured network
 * allows. A name that does not resolve now is accepted; every delivery checks again anyway.
 */
async function internalTarget(deps: EngineDeps, webhookUrl: string): Promise<GatehouseError | null> {
  const targets = deps.webhookTargets ?? networkTargets();
  const { hostname, host } = new URL(webhookUrl);
  const literal = literalAddress(hostname);
  let addresses: string[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = (await lookup(hostname, { all: true })).map((a) => a.address);
    } catch {
      return null;
    }
  }
  const internal = addresses.find((address) => !targets.allows(address));
  if (!internal) return null;
  return new GatehouseError(
    'resource.internal_target',
    `The webhook address ${host} points into the internal network (${internal}). Gatehouse only sends webhooks there when an admin allows that network (WEBHOOK_ALLOWED_NETWORKS).`,
    { host, address: internal },
  );
}

/** Registers a user group, channel or webhook in a catalog (catalog owners and admins). */
export async function registerResource(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<ResourceView> {
  const spec = parseInput(registerResourceInput, input);
  const { catalogId } = spec;
  const internal = spec.kind === 'webhook' ? await internalTarget(deps, spec.webhookUrl) : null;
  if (spec.kind === 'ldap_group' && !deps.ldapBaseDn) {
    throw new GatehouseError(
      'resource.ldap_not_configured',
      `Gatehouse has no LDAP directory to write ${spec.name} in: set LDAP_URL, LDAP_BIND_DN, LDAP_BIND_PASSWORD and LDAP_BASE_DN, restart it, then add the group.`,
      {},
    );
  }
  return refuseOnUniqueViolation(
    'resources_kind_external_key',
    () => alreadyRegistered(spec, null),
    () =>
      inTransaction(deps, async (tx, now) => {
        await loadCatalog(tx, catalogId);
        if (internal) {
          // Only someone who may register it learns where an address resolves.
          await requireResourceIntake(tx, deps, actor, catalogId, spec);
          throw internal;
        }
        return toResourceView(await insertResource(tx, deps, now, actor, catalogId, spec));
      }),
  );
}

/**
 * Registers a resource in the caller's transaction, refusing one already registered (naming
 * its catalog). Every path that brings a resource into a catalog ends here, so here is where
 * it is limited to that catalog's owners and admins: a package manager who could register any
 * user group could then assign themselves into it.
 */
export async function insertResource(
  tx: Db,
  deps: EngineDeps,
  now: Date,
  actor: Actor,
  catalogId: number,
  spec: ResourceSpec,
): Promise<Resource> {
  await requireResourceIntake(tx, deps, actor, catalogId, spec);
  const existing = await findRegistered(tx, spec.kind, spec.externalId);
  if (existing)
    throw alreadyRegistered({ kind: spec.kind, name: existing.resource.name }, existing.catalogName);
  const [resource] = await tx
    .insert(resources)
    .values({
      catalogId,
      kind: spec.kind,
      externalId: spec.externalId,
      name: spec.name,
      roles: spec.kind === 'webhook' ? spec.roles : ['member'],
      webhookUrl: spec.kind === 'webhook' ? spec.webhookUrl : null,
      webhookSecret: spec.kind === 'webhook' ? spec.webhookSecret : null,
      createdBy: actor.userId,
      createdAt: now,
    })
    .returning();
  await audit(tx, now, actor, {
    action: 'resource.registered',
    catalogId,
    resourceId: resource!.id,
    data: {
      kind: resource!.kind,
      externalId: resource!.externalId,
      name: resource!.name,
      roles: resource!.roles,
      ...(resource!.webhookUrl ? { webhookUrl: resource!.webhookUrl } : {}),
    },
  });
  return resource!;
}

const intakeInput = z.object({ catalogId: idSchema, resources: z.array(slackResourceSpecSchema).max(100) });

/**
 * Refuses (audited) unless the actor may bring these not-yet-registered resources into the
 * catalog: callers that apply several changes check first, so a refusal leaves nothing half-saved.
 */
export async function checkResourceIntake(deps: EngineDeps, actor: Actor, input: unknown): Promise<void> {
  const { catalogId, resources: specs } = parseInput(intakeInput, input);
  const [first] = specs;
  if (!first) return;
  await inTransaction(deps, (tx) => requireResourceIntake(tx, deps, actor, catalogId, first));
}

async function requireResourceIntake(
  tx: Db,
  deps: EngineDeps,
  actor: Actor,
  catalogId: number,
  spec: ResourceSpec,
): Promise<void> {
  if (hasPermission(await actorRoles(tx, deps, actor, catalogId), 'catalog.manage')) return;
  const catalog = await loadCatalog(tx, catalogId);
  throw forbidden(
    actor,
    `Only owners of the ${catalog.name} catalog and Gatehouse admins can bring a new resource into it. Ask one of them to add the ${KIND_WORDS[spec.kind]} ${spec.name} to ${catalog.name} first; then you can use it in packages.`,
    {
      permission: 'catalog.manage',
      catalogId,
      resource: { kind: spec.kind, externalId: spec.externalId, name: spec.name },
    },
  );
}

/** The live registration of a Slack object or webhook slug, with the name of its catalog. */
export async function findRegistered(
  tx: Db,
  kind: Resource['kind'],
  externalId: string,
): Promise<{ resource: Resource; catalogName: string } | null> {
  const [row] = await tx
    .select({ resource: resources, catalogName: catalogs.name })
    .from(resources)
    .innerJoin(catalogs, eq(catalogs.id, resources.catalogId))
    .where(and(eq(resources.kind, kind), eq(resources.externalId, externalId), isNull(resources.removedAt)));
  return row ?? null;
}

/** The resources of a catalog that are not removed, by name. */
export async function listResources(deps: EngineDeps, actor: Actor, input: unknown): Promise<ResourceView[]> {
  const { catalogId } = parseInput(listResourcesInput, input);
  return inTransaction(deps, async (tx) => {
    await loadCatalog(tx, catalogId);
    await requirePermission(tx, deps, actor, catalogId, 'catalog.read');
    const rows = await tx
      .select()
      .from(resources)
      .where(and(eq(resources.catalogId, catalogId), isNull(resources.removedAt)))
      .orderBy(asc(resources.name), asc(resources.id));
    return rows.map(toResourceView);
  });
}

/** Removes a resource from its catalog; refused while a package still grants a role on it. */
export async function removeResource(deps: EngineDeps, actor: Actor, input: unknown): Promise<ResourceView> {
  const { resourceId } = parseInput(resourceIdInput, input);
  return inTransaction(deps, async (tx, now) => {
    const resource = await loadResource(tx, resourceId);
    await requirePermission(tx, deps, actor, resource.catalogId, 'catalog.manage');
    const users = await tx
      .selectDistinct({ name: accessPackages.name })
      .from(packageResourceRoles)
      .innerJoin(accessPackages, eq(accessPackages.id, packageResourceRoles.packageId))
      .where(and(eq(packageResourceRoles.resourceId, resourceId), isNull(accessPackages.deletedAt)))
      .orderBy(asc(accessPackages.name));
    if (users.length > 0) {
      const names = users.map((p) => p.name);
      throw new GatehouseError(
        'resource.in_use',
        `${resource.name} is still used by ${names.join(', ')}. Remove it from ${names.length === 1 ? 'that package' : 'those packages'} first.`,
        { packages: names },
      );
    }
    return updateResource(tx, now, actor, resource, { removedAt: now }, 'resource.removed', {
      kind: resource.kind,
      externalId: resource.externalId,
      name: resource.name,
    });
  });
}

/** Writes `changes` to a resource, with the audit row that tells of them; the resource as it is now. */
async function updateResource(
  tx: Db,
  now: Date,
  actor: Actor,
  resource: Resource,
  changes: Partial<Pick<Resource, 'removedAt' | 'managedExclusively'>>,
  action: 'resource.removed' | 'resource.edited',
  data: Record<string, unknown>,
): Promise<ResourceView> {
  const [updated] = await tx.update(resources).set(changes).where(eq(resources.id, resource.id)).returning();
  await audit(tx, now, actor, { action, catalogId: resource.catalogId, resourceId: resource.id, data });
  return toResourceView(updated!);
}

/**
 * Exclusive management: reconciliation then removes members Gatehouse did not add. Off by
 * default, because turning it on removes people who were added by hand.
 */
export async function setResourceManagedExclusively(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<ResourceView> {
  const { resourceId, managedExclusively } = parseInput(managedExclusivelyInput, input);
  return inTransaction(deps, async (tx, now) => {
    const resource = await loadResource(tx, resourceId);
    await requirePermission(tx, deps, actor, resource.catalogId, 'catalog.manage');
    if (resource.managedExclusively === managedExclusively) return toResourceView(resource);
    return updateResource(tx, now, actor, resource, { managedExclusively }, 'resource.edited', {
      from: { managedExclusively: resource.managedExclusively },
      to: { managedExclusively },
    });
  });
}
