// CIPP connection: CIPP-API with a client-credentials token for `api://{clientId}/.default`.
// ListTenants for the customers, ListDomains and ListUsers per tenant — always with tenantFilter,
// because without it CIPP answers for the MSP's own tenant, and the users that come back are checked
// to belong to the requested tenant before anything is done with them. The base URL is the user's:
// it is checked (core's outbound-url) before a token is requested, and every call goes through the
// checked fetch, so neither the token nor the client secret's use reaches an address we refuse.
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { checkOutboundUrl, createOutboundFetch, OutboundUrlRefused, type OutboundPolicy } from '@switchboard/core';
import { getJson, ProviderError, type RequestCounter } from './http.js';
import { normalizeUser } from './direct-directory.js';
import { mapWithLimit, type DiscoveredTenant, type EntraDirectory, type EntraUser, type TenantRef, type UserPage } from './directory.js';

interface CippTenantRow {
  customerId?: string;
  displayName?: string;
  defaultDomainName?: string;
  Excluded?: boolean;
}

export interface CippDirectoryOptions {
  msal: ConfidentialClientApplication;
  baseUrl: string;
  clientId: string;
  /** Which addresses the base URL may lead to (loopback only in dev and the demo). */
  outbound: OutboundPolicy;
}

const DISCOVERY_CONCURRENCY = 8;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function cippDirectory(options: CippDirectoryOptions): EntraDirectory & { listTenants(): Promise<CippTenantRow[]> } {
  const counter: RequestCounter = { calls: 0 };
  let token: Promise<string> | null = null;
  const base = options.baseUrl.replace(/\/+$/, '');
  const send = createOutboundFetch(options.outbound);
  let checked: Promise<URL> | null = null;

  async function bearer(): Promise<string> {
    // The target first: no token is requested for a URL that will be refused.
    checked ??= checkOutboundUrl(base, options.outbound).catch((err: Error) => {
      checked = null;
      throw err instanceof OutboundUrlRefused ? new ProviderError(0, `CIPP was not called: its URL ${err.message}.`) : err;
    });
    await checked;
    token ??= (async () => {
      counter.calls++;
      try {
        const result = await options.msal.acquireTokenByClientCredential({ scopes: [`api://${options.clientId}/.default`] });
        if (!result?.accessToken) throw new Error('no token');
        return result.accessToken;
      } catch (err) {
        token = null;
        const code = (err as { errorCode?: string }).errorCode;
        throw new ProviderError(401, `Microsoft refused a token for the CIPP API app${code ? ` (${code})` : ''}. Check the client id, secret and tenant id.`);
      }
    })();
    return token;
  }

  const call = async <T>(fn: string, params: Record<string, string>, signal?: AbortSignal) =>
    getJson<T>(`${base}/api/${fn}?${new URLSearchParams(params)}`, { token: await bearer(), counter, what: `CIPP ${fn}`, signal, fetch: send });

  async function listTenants(signal?: AbortSignal): Promise<CippTenantRow[]> {
    const rows = await call<CippTenantRow[]>('ListTenants', {}, signal);
    if (!Array.isArray(rows)) throw new ProviderError(502, 'CIPP ListTenants did not answer with a list of tenants.');
    // CIPP reports its own failure as a 200 with one row (Invoke-ListTenants.ps1); its text stays
    // out of our messages like any remote body.
    const failure = rows.find((r) => r.displayName?.startsWith('Failed to retrieve tenants'));
    if (failure) throw new ProviderError(502, 'CIPP could not list tenants (it answered "Failed to retrieve tenants"); check CIPP\'s own logs.');
    // Never the synthetic "AllTenants" row, nor tenants the MSP excluded in CIPP.
    return rows.filter((r) => r.customerId && GUID.test(r.customerId) && !r.Excluded);
  }

  return {
    get calls() {
      return counter.calls;
    },
    listTenants,

    async discoverTenants(signal) {
      const rows = await listTenants(signal);
      return mapWithLimit(rows, DISCOVERY_CONCURRENCY, async (row): Promise<DiscoveredTenant> => {
        const base = { entraTenantId: row.customerId!, displayName: row.displayName ?? row.defaultDomainName ?? row.customerId!, userCount: null };
        try {
          const domains = await call<{ id: string; isDefault?: boolean; isVerified?: boolean }[]>('ListDomains', { tenantFilter: row.customerId! }, signal);
          // CIPP's rows may lack isVerified (it reads beta/domains); only an explicit false excludes a domain.
          const verified = domains.filter((d) => d.isVerified !== false);
          return { ...base, defaultDomain: verified.find((d) => d.isDefault)?.id ?? row.defaultDomainName ?? null, domains: verified.map((d) => d.id.toLowerCase()), error: null };
        } catch (err) {
          return { ...base, defaultDomain: row.defaultDomainName ?? null, domains: [], error: (err as Error).message };
        }
      });
    },

    async readUsers(tenant: TenantRef, _cursor, signal?: AbortSignal): Promise<UserPage> {
      // ListUsers follows Graph's paging itself and has no delta: every CIPP run is a full listing.
      const rows = await call<(Partial<EntraUser> & { id: string })[]>('ListUsers', { tenantFilter: tenant.entraTenantId }, signal);
      if (!Array.isArray(rows)) throw new ProviderError(502, 'CIPP ListUsers did not answer with a list of users.');
      const domains = new Set(tenant.domains.map((d) => d.toLowerCase()));
      const foreign = rows.filter((u) => !domains.has(String(u.userPrincipalName ?? '').split('@').pop()!.toLowerCase())).length;
      if (foreign > 0) {
        throw new ProviderError(502, `CIPP returned ${foreign} users that do not belong to tenant ${tenant.entraTenantId}; nothing was synced for it.`);
      }
      return { users: rows.map(normalizeUser), removed: [], next: null, deltaLink: null };
    },
  };
}
