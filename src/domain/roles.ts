export const CATALOG_ROLES = ['owner', 'reader', 'package_manager', 'assignment_manager'] as const;
export type CatalogRole = (typeof CATALOG_ROLES)[number];

/**
 * What a person may do in a catalog:
 * - `catalog.manage`: rename, delete, role holders, add or remove resources;
 * - `package.manage`: create and edit packages, their resource roles and policies;
 * - `assignment.manage`: assign and remove people directly, start reviews;
 * - `catalog.read`: see packages, requests, assignments and the audit trail.
 */
export type Permission = 'catalog.manage' | 'package.manage' | 'assignment.manage' | 'catalog.read';

const ROLE_PERMISSIONS: Record<CatalogRole, readonly Permission[]> = {
  owner: ['catalog.manage', 'package.manage', 'assignment.manage', 'catalog.read'],
  package_manager: ['package.manage', 'assignment.manage', 'catalog.read'],
  assignment_manager: ['assignment.manage', 'catalog.read'],
  reader: ['catalog.read'],
};

export interface ActorRoles {
  isAdmin: boolean;
  catalogRoles: readonly CatalogRole[];
}

export function hasPermission(roles: ActorRoles, permission: Permission): boolean {
  if (roles.isAdmin) return true;
  return roles.catalogRoles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}

export function describeRole(role: CatalogRole): string {
  return role.replace('_', ' ');
}

const PERMISSION_WORDS: Record<Permission, string> = {
  'catalog.manage': 'manage this catalog (catalog owners and admins)',
  'package.manage': 'manage access packages here (package managers, catalog owners and admins)',
  'assignment.manage':
    'manage assignments here (assignment managers, package managers, catalog owners and admins)',
  'catalog.read': 'see this catalog (its readers, managers, owners and admins)',
};

export function permissionDeniedMessage(permission: Permission, catalogName: string): string {
  return `You can't do that in ${catalogName}: only people who can ${PERMISSION_WORDS[permission]} can.`;
}
