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
import { type Actor, type EngineDeps, isSystemActor } from './context.js';

export function isGlobalAdmin(deps: Pick<EngineDeps, 'adminUserIds'>, actor: Actor): boolean {
  return isSystemActor(actor) || deps.adminUserIds.includes(actor.userId);
}

/**
 * A permission refusal. It names the actor so that `inTransaction` can audit the attempt in a
 * transaction of its own after the refused one rolled back (nothing of it is kept).
 */
export function forbidden(
  actor: Actor,
  message: string,
  details: Record<string, unknown> = {},
): GatehouseError {
  return new GatehouseError('auth.forbidden', message, { ...details, actorId: actor.userId });
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
  throw forbidden(actor, permissionDeniedMessage(permission, catalog?.name ?? 'this catalog'), {
    permission,
    catalogId,
  });
}

export function requireGlobalAdmin(deps: EngineDeps, actor: Actor, what: string): void {
  if (!isGlobalAdmin(deps, actor)) {
    throw forbidden(actor, `Only a Gatehouse admin can ${what}.`, { permission: 'admin' });
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
