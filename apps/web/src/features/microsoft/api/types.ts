// Microsoft profile and consumer shapes as the API returns them (plugins/microsoft-bindings/src/schemas.ts).

export interface MicrosoftProfile {
  id: string;
  displayName: string;
  clientId: string;
  authorityTenant: string;
  hasClientSecret: boolean;
  isArchived: boolean;
  archivedAt: string | null;
  usedBy: { key: string; label: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface ProfileInput {
  displayName: string;
  clientId: string;
  authorityTenant: string;
  clientSecret: string;
}

/** For an update every field is optional; a clientSecret replaces the stored one. */
export type ProfilePatch = Partial<ProfileInput>;

export type Consumer = 'msp_sso' | 'email' | 'calendar' | 'teams';

export interface ConsumerStatus {
  consumer: Consumer;
  label: string;
  description: string;
  binding: { profileId: string; profileName: string; boundAt: string; boundBy: string | null } | null;
  readiness: 'ready' | 'not_bound' | 'missing_secret';
  readinessMessage: string;
  redirectUris: string[];
  teams?: { installStatus: string; applicationIdUri: string | null; guidance: string };
}

export interface ConsumerMatrix {
  edition: 'ce' | 'ee';
  consumers: ConsumerStatus[];
}

/** A connection that must reconnect after its consumer moved to another app (or was cleared). */
export interface AffectedConnection {
  userId: string | null;
  displayName: string;
  connection: string;
}

export interface BindingResult {
  consumer: ConsumerStatus;
  warnings: string[];
  affected: AffectedConnection[];
}
