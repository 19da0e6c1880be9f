// Tenants become clients: the PSA client a managed tenant proposes, and creating it inside the mapping
// confirm under core's rules for any new client (same validation, refused when it looks like an
// existing client: the admin maps the tenant to that one or changes the name or domains).
import type { Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { BadRequest, Conflict, clientInput, createClient, findSimilarClients, forTenant, recordAudit } from '@switchboard/core';
import type { ManagedTenantRow } from './managed-tenants.js';

export interface ProposedClient {
  name: string;
  domains: string[];
}

export interface TenantClient extends ProposedClient {
  managedTenantId: string;
  clientId: string;
  /** False when a repeated confirm found the client this tenant was already given. */
  created: boolean;
}

export interface CreateClientRequest {
  /** The decision's index in the request, for field errors. */
  index: number;
  managedTenantId: string;
  name?: string;
  domains?: string[];
}

// Every tenant has an initial <name>.onmicrosoft.com domain that Microsoft assigns; nobody at the
// customer uses it as their email domain, and a PSA client's domains are the ones its people mail from.
const isInitialDomain = (domain: string) => /\.onmicrosoft\.com$/i.test(domain);

/** The tenant's display name and its own verified domains (not the Microsoft-assigned one). */
export const proposedClientOf = (tenant: Pick<ManagedTenantRow, 'display_name' | 'domains'>): ProposedClient => ({
  name: tenant.display_name.trim(),
  domains: [...new Set(tenant.domains.filter((d) => !isInitialDomain(d)).map((d) => d.toLowerCase()))],
});

/**
 * Creates one client per request (audited like a client created by hand) and returns them by managed
 * tenant; all problems are reported together and nothing is kept (the caller's transaction rolls back).
 * The tenant rows must be locked by the caller, so a repeated confirm waits and then finds the client.
 */
export async function createClientsForTenants(
  trx: Transaction<Database>,
  actor: { tenantId: string; userId: string },
  requests: CreateClientRequest[],
  tenants: Map<string, ManagedTenantRow>,
): Promise<Map<string, TenantClient>> {
  const problems: { field: string; message: string }[] = [];
  const results = new Map<string, TenantClient>();
  for (const request of requests) {
    const tenant = tenants.get(request.managedTenantId)!;
    const at = `mappings.${request.index}`;
    const proposed = proposedClientOf(tenant);
    const parsed = clientInput.safeParse({ name: request.name ?? proposed.name, domains: request.domains ?? proposed.domains });
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => ({ field: [at, ...issue.path.map(String)].join('.'), message: issue.message })));
      continue;
    }
    const input = parsed.data;

    if (tenant.client_id) {
      const current = await forTenant(trx, actor.tenantId).selectFrom('clients').select(['id', 'name', 'domains']).where('id', '=', tenant.client_id).executeTakeFirstOrThrow();
      // The same request again (a double click, a retry after a lost answer): it already happened.
      if (current.name.toLowerCase() === input.name.toLowerCase()) {
        results.set(tenant.id, { managedTenantId: tenant.id, clientId: current.id, name: current.name, domains: current.domains, created: false });
        continue;
      }
      throw new Conflict(`"${tenant.display_name}" is already mapped to the client "${current.name}". Unmap it first to create a new client for it.`);
    }

    const similar = await findSimilarClients(trx, actor.tenantId, input);
    for (const client of similar) {
      if (client.sameName) problems.push({ field: `${at}.name`, message: `a client named "${client.name}" already exists: map the tenant to it, or choose another name` });
      if (client.sharedDomains.length) {
        problems.push({ field: `${at}.domains`, message: `the client "${client.name}" already has ${client.sharedDomains.join(', ')}: map the tenant to it, or leave that domain out` });
      }
    }
    if (similar.length) continue;

    const client = await createClient(trx, actor.tenantId, input);
    const details = { source: 'entra', managedTenantId: tenant.id, entraTenantId: tenant.entra_tenant_id };
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'client.created', targetType: 'client', targetId: client.id, details });
    results.set(tenant.id, { managedTenantId: tenant.id, clientId: client.id, name: client.name, domains: client.domains, created: true });
  }
  if (problems.length) throw BadRequest.fields(problems);
  return results;
}
