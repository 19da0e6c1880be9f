// The users API's shapes, as the server's zod schemas in plugins/core/src/routes/users.ts define them.
export const ROLE_NAMES = ['Admin', 'Settings viewer', 'Technician'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface User {
  id: string;
  email: string;
  displayName: string;
  userType: 'internal' | 'client';
  clientId: string | null;
  isActive: boolean;
  /** Role names; empty for client-portal users. */
  roles: string[];
  createdAt: string;
}

/** A one-time link to set a password, shown to the admin once (no mail is sent). */
export interface PasswordLink {
  url: string;
  expiresAt: string;
}

export interface NewUserInput {
  email: string;
  displayName: string;
  userType: 'internal' | 'client';
  role?: RoleName;
  clientId?: string;
}

export interface UserChange {
  displayName?: string;
  role?: RoleName;
  isActive?: boolean;
}

export interface ClientOption {
  id: string;
  name: string;
}
