// Shapes of the Entra API responses (plugins/entra-ee routes).
export interface EntraConnection {
  id: string;
  kind: 'direct' | 'cipp';
  status: 'connected' | 'error' | 'disconnected';
  profileId: string | null;
  profileName: string | null;
  partnerTenantId: string | null;
  partnerUser: string | null;
  cippBaseUrl: string | null;
  cippClientId: string | null;
  lastError: string | null;
  connectedAt: string;
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
}

export type MappingDecision = { managedTenantId: string; action: 'map'; clientId: string } | { managedTenantId: string; action: 'skip' | 'unmap' };

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
