// Mapping preview (no writes): for each managed tenant, what the admin is about to confirm. A
// verified domain that exactly one client lists is the only automatic match; otherwise similar
// client names are ranked for review. Confirmed mappings and skips are shown as they are. Every
// tenant not mapped yet also shows the client "Create client" would make from it.
import { forTenant, type Db } from '@switchboard/core';
import { mappingStateOf, type ManagedTenantRow } from './managed-tenants.js';
import { rankByName } from './name-match.js';
import { proposedClientOf, type ProposedClient } from './tenant-clients.js';

export type PreviewState = 'mapped' | 'skipped' | 'auto_matched' | 'needs_review' | 'unmatched';

export interface PreviewCandidate {
  clientId: string;
  clientName: string;
  score: number;
  reason: 'domain' | 'name';
}

export interface MappingPreview {
  managedTenantId: string;
  entraTenantId: string;
  displayName: string;
  domains: string[];
  userCount: number | null;
  state: PreviewState;
  /** The mapped client, or the proposed one for auto_matched. */
  clientId: string | null;
  candidates: PreviewCandidate[];
  /** What "Create client" would create for a tenant not mapped yet (the default of create_client). */
  newClient: ProposedClient | null;
}

interface ClientRow {
  id: string;
  name: string;
  domains: string[];
}

export function previewOne(tenant: ManagedTenantRow, clients: ClientRow[], clientsByDomain: Map<string, ClientRow[]>): MappingPreview {
  const base = { managedTenantId: tenant.id, entraTenantId: tenant.entra_tenant_id, displayName: tenant.display_name, domains: tenant.domains, userCount: tenant.user_count };
  const current = mappingStateOf(tenant);
  if (current === 'mapped') return { ...base, state: current, clientId: tenant.client_id, candidates: [], newClient: null };
  const newClient = proposedClientOf(tenant);
  if (current === 'skipped') return { ...base, state: current, clientId: null, candidates: [], newClient };

  const byDomain = new Map<string, ClientRow>();
  for (const domain of tenant.domains) for (const client of clientsByDomain.get(domain.toLowerCase()) ?? []) byDomain.set(client.id, client);
  const domainCandidates = [...byDomain.values()].map((c) => ({ clientId: c.id, clientName: c.name, score: 1, reason: 'domain' as const }));
  if (domainCandidates.length === 1) return { ...base, state: 'auto_matched', clientId: domainCandidates[0].clientId, candidates: domainCandidates, newClient };

  // Several clients share a domain: never guess, show them all next to the name candidates.
  const byName = rankByName(tenant.display_name, clients, (c) => c.name)
    .filter((c) => !byDomain.has(c.item.id))
    .map((c) => ({ clientId: c.item.id, clientName: c.item.name, score: Math.round(c.score * 100) / 100, reason: 'name' as const }));
  const candidates = [...domainCandidates, ...byName];
  return { ...base, state: candidates.length ? 'needs_review' : 'unmatched', clientId: null, candidates, newClient };
}

export async function previewMappings(db: Db, tenantId: string): Promise<MappingPreview[]> {
  const scope = forTenant(db, tenantId);
  const [tenants, clients] = await Promise.all([
    scope.selectFrom('entra_managed_tenants').selectAll().orderBy('display_name').execute(),
    scope.selectFrom('clients').select(['id', 'name', 'domains']).execute(),
  ]);
  const clientsByDomain = new Map<string, ClientRow[]>();
  for (const client of clients) {
    for (const domain of client.domains) {
      const key = domain.trim().toLowerCase();
      clientsByDomain.set(key, [...(clientsByDomain.get(key) ?? []), client]);
    }
  }
  return tenants.map((t) => previewOne(t, clients, clientsByDomain));
}
