// Permission names and the roles every new tenant starts with.
export const PERMISSIONS = ['system_settings.read', 'system_settings.update'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The roles an internal user can hold: exactly one each. */
export const ROLE_NAMES = ['Admin', 'Settings viewer', 'Technician'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** What makes a user an admin: the tenant must always keep one active user holding it. */
export const ADMIN_PERMISSION: Permission = 'system_settings.update';

export const DEFAULT_ROLES: { name: RoleName; permissions: Permission[] }[] = [
  { name: 'Admin', permissions: ['system_settings.read', 'system_settings.update'] },
  { name: 'Settings viewer', permissions: ['system_settings.read'] },
  { name: 'Technician', permissions: [] },
];
