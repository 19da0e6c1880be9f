// CIPP connection: CIPP-API with a client-credentials token for `api://{clientId}/.default` (or the
// scope the deployment uses). ListTenants for the customers (CIPP answers them all at once),
// ListDomains per tenant, and the users page by page through ListGraphRequest (Endpoint=users,
// manualPagination, the Graph nextLink passed back; KelvinTegelaar/CIPP-API Invoke-ListGraphRequest.ps1)
// rather than ListUsers, which answers a whole tenant in one body. Always with a tenant filter,
// because without it CIPP answers for the MSP's own tenant, and every page of users is checked to
// belong to the requested tenant before anything is done with it. The base URL is the user's:
// it is checked (core's outbound-url) before a token is requested, and every call goes through the
// checked fetch, so neither the token nor the client secret's use reaches an address we refuse.
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { checkOutboundUrl, createOutboundFetch, OutboundUrlRefused, type OutboundPolicy } from '@switchboard/core';
import { getJson, ProviderError, type RequestCounter } from './http.js';
import { normalizeUser, USER_SELECT } from './direct-directory.js';
import { tokenErrorCode } from './partner-token.js';
import { mapWithLimit, type DiscoveredTenant, type EntraDirectory, type EntraUser, type TenantRef, type UserCursor, type UserPage } from './directory.js';

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
  /** The token scope CIPP's API app expects; deployments differ. Default: `api://{clientId}/.default`. */
  scope?: string;
  /** Which addresses the base URL may lead to (loopback only in dev and the demo). */
  outbound: OutboundPolicy;
}

const DISCOVERY_CONCURRENCY = 8;
/** Graph's largest page of users: fewer CIPP calls, each still bounded. */
const USER_PAGE_SIZE = '999';

interface CippUserPage {
  Results?: unknown;
  Metadata?: { nextLink?: unknown };
}

/** A user row of ListGraphRequest: Graph's user plus `Tenant` (the TenantFilter) and `CippStatus`. */
type CippUserRow = Partial<EntraUser> & { id: string; Tenant?: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function cippDirectory(options: CippDirectoryOptions): EntraDirectory & { listTenants(): Promise<CippTenantRow[]>; readonly throttled: number } {
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
        const result = await options.msal.acquireTokenByClientCredential({ scopes: [options.scope ?? `api://${options.clientId}/.default`] });
        if (!result?.accessToken) throw new Error('no token');
        return result.accessToken;
      } catch (err) {
        token = null;
        const code = tokenErrorCode(err); // e.g. `invalid_resource, AADSTS500011` for a wrong scope
        throw new ProviderError(401, `Microsoft refused a token for the CIPP API app${code ? ` (${code})` : ''}. Check the client id, secret, tenant id and token scope.`);
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
    get throttled() {
      return counter.throttled ?? 0;
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

    async readUsers(tenant: TenantRef, cursor: UserCursor | null, signal?: AbortSignal): Promise<UserPage> {
      // CIPP has no delta: every run is a full listing, continued from the page a stopped run saved.
      const next = cursor?.kind === 'full' ? cursor.next : undefined;
      const params: Record<string, string> = { Endpoint: 'users', TenantFilter: tenant.entraTenantId, manualPagination: 'true', $select: USER_SELECT, $top: USER_PAGE_SIZE };
      if (next) params.nextLink = next;
      const page = await call<CippUserPage>('ListGraphRequest', params, signal);
      if (!Array.isArray(page?.Results)) throw new ProviderError(502, 'CIPP ListGraphRequest did not answer with a list of users.');
      const rows = page.Results as CippUserRow[];
      const domains = new Set(tenant.domains.map((d) => d.toLowerCase()));
      const foreign = rows.filter((u) => (u.Tenant !== undefined && u.Tenant !== tenant.entraTenantId) || !domains.has(String(u.userPrincipalName ?? '').split('@').pop()!.toLowerCase())).length;
      if (foreign > 0) {
        throw new ProviderError(502, `CIPP returned ${foreign} users that do not belong to tenant ${tenant.entraTenantId}; this tenant's sync stopped before using any of them.`);
      }
      const nextLink = typeof page.Metadata?.nextLink === 'string' && page.Metadata.nextLink ? page.Metadata.nextLink : null;
      return { users: rows.map(normalizeUser), removed: [], next: nextLink ? { kind: 'full', next: nextLink } : null, deltaLink: nextLink ? undefined : null };
    },
  };
}
