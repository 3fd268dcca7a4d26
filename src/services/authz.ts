import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { catalogRoleHolders, catalogs } from '../db/schema.js';
import { GatehouseError } from '../domain/errors.js';
import {
  type ActorRoles,
  type CatalogRole,
  hasPermission,
  type Permission,
  permissionDeniedMessage,
} from '../domain/roles.js';
import type { Actor, EngineDeps } from './context.js';

export function isGlobalAdmin(deps: Pick<EngineDeps, 'adminUserIds'>, actor: Actor): boolean {
  return actor.userId === 'system' || deps.adminUserIds.includes(actor.userId);
}

export async function actorRoles(
  tx: Db,
  deps: EngineDeps,
  actor: Actor,
  catalogId: number,
): Promise<ActorRoles> {
  if (isGlobalAdmin(deps, actor)) return { isAdmin: true, catalogRoles: [] };
  const rows = await tx
    .select({ role: catalogRoleHolders.role })
    .from(catalogRoleHolders)
    .where(and(eq(catalogRoleHolders.catalogId, catalogId), eq(catalogRoleHolders.userId, actor.userId)));
  return { isAdmin: false, catalogRoles: rows.map((r) => r.role as CatalogRole) };
}

/** Refuses with `auth.forbidden` unless the actor holds `permission` in the catalog. */
export async function requirePermission(
  tx: Db,
  deps: EngineDeps,
  actor: Actor,
  catalogId: number,
  permission: Permission,
): Promise<void> {
  const roles = await actorRoles(tx, deps, actor, catalogId);
  if (hasPermission(roles, permission)) return;
  const [catalog] = await tx.select({ name: catalogs.name }).from(catalogs).where(eq(catalogs.id, catalogId));
  throw new GatehouseError(
    'auth.forbidden',
    permissionDeniedMessage(permission, catalog?.name ?? 'this catalog'),
    {
      permission,
      catalogId,
    },
  );
}

export function requireGlobalAdmin(deps: EngineDeps, actor: Actor, what: string): void {
  if (!isGlobalAdmin(deps, actor)) {
    throw new GatehouseError('auth.forbidden', `Only a Gatehouse admin can ${what}.`);
  }
}

/** Whether someone is an admin or holds any catalog role: decides whether help shows admin commands. */
export async function holdsAnyRole(deps: EngineDeps, userId: string): Promise<boolean> {
  if (isGlobalAdmin(deps, { userId })) return true;
  const rows = await deps.database.db
    .select({ userId: catalogRoleHolders.userId })
    .from(catalogRoleHolders)
    .where(eq(catalogRoleHolders.userId, userId))
    .limit(1);
  return rows.length > 0;
}
