// Permission names and the roles every new tenant starts with.
export const PERMISSIONS = ['system_settings.read', 'system_settings.update'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const DEFAULT_ROLES: { name: string; permissions: Permission[] }[] = [
  { name: 'Admin', permissions: ['system_settings.read', 'system_settings.update'] },
  { name: 'Settings viewer', permissions: ['system_settings.read'] },
  { name: 'Technician', permissions: [] },
];
