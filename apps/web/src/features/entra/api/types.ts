// Shapes of the Entra API responses (plugins/entra-ee routes).
export interface EntraConnection {
  id: string;
  kind: 'direct' | 'cipp';
  /** needs_reconnect: Microsoft refused the partner sign-in; a Direct connect replaces it. */
  status: 'connected' | 'error' | 'needs_reconnect' | 'disconnected';
  profileId: string | null;
  profileName: string | null;
  partnerTenantId: string | null;
  partnerUser: string | null;
  cippBaseUrl: string | null;
  cippClientId: string | null;
  /** The scope CIPP tokens are requested for (the default when none was given). */
  cippScope: string | null;
  tokenRefreshedAt: string | null;
  lastError: string | null;
  connectedAt: string;
}

/** POST /connection/test: one readable sentence either way. */
export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  tenants?: number;
}

export interface ConnectionStatus {
  connection: EntraConnection | null;
  cippAvailable: boolean;
  callbackUrl: string;
}

export interface ManagedTenant {
  id: string;
  entraTenantId: string;
  displayName: string;
  domains: string[];
  userCount: number | null;
  discoveryError: string | null;
  mapping: 'mapped' | 'skipped' | 'unmapped';
  clientId: string | null;
  clientName: string | null;
}

export interface MappingPreview {
  managedTenantId: string;
  entraTenantId: string;
  displayName: string;
  domains: string[];
  userCount: number | null;
  state: 'mapped' | 'skipped' | 'auto_matched' | 'needs_review' | 'unmatched';
  clientId: string | null;
  candidates: { clientId: string; clientName: string; score: number; reason: 'domain' | 'name' }[];
  /** What "Create client" makes from a tenant not mapped yet. */
  newClient: { name: string; domains: string[] } | null;
}

export type MappingDecision =
  | { managedTenantId: string; action: 'map'; clientId: string }
  | { managedTenantId: string; action: 'skip' | 'unmap' }
  | { managedTenantId: string; action: 'create_client'; name?: string; domains?: string[] };

export interface MappingsConfirmed {
  updated: number;
  /** The clients create_client decisions made (created: false when a repeat found it already made). */
  clients: { managedTenantId: string; clientId: string; name: string; domains: string[]; created: boolean }[];
}

export interface RunCounts {
  created: number;
  linked: number;
  updated: number;
  inactivated: number;
  ambiguous: number;
  failed: number;
  unchanged: number;
}

export interface SyncRun {
  id: string;
  scope: 'initial' | 'all' | 'client';
  trigger: string;
  status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
  mode: 'full' | 'delta' | null;
  counts: RunCounts;
  graphCalls: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface SyncRunDetail extends SyncRun {
  tenants: (SyncRun & { managedTenantId: string; displayName: string })[];
}

export interface AmbiguousItem {
  id: string;
  /** ambiguous: several contacts match; contact_deleted: the user's contact was deleted in Switchboard. */
  reason: 'ambiguous' | 'contact_deleted';
  managedTenantName: string;
  clientName: string;
  displayName: string;
  userPrincipalName: string;
  email: string | null;
  candidates: { id: string; fullName: string; email: string | null }[];
}

export interface FieldOverwrite {
  fullName: boolean;
  email: boolean;
  phone: boolean;
  jobTitle: boolean;
}

export interface EntraSettings {
  schedule: 'off' | 'hourly' | 'daily' | 'weekly';
  lastScheduledAt: string | null;
  fieldSyncAvailable: boolean;
  overwrite?: FieldOverwrite;
}

export const isActive = (run: SyncRun) => run.status === 'queued' || run.status === 'running';
