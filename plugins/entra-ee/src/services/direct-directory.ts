// Direct connection: Graph with the partner's delegated refresh token. Each customer tenant gets its
// own access token (refresh_token grant against the customer's authority, the Secure Application
// Model, through partner-token.ts which keeps every rotated refresh token), cached per tenant for
// the life of this object with one request in flight per tenant.
import { getJson, ProviderError, type RequestCounter } from './http.js';
import type { PartnerTokens } from './partner-token.js';
import { mapWithLimit, ResyncRequired, type DiscoveredTenant, type EntraDirectory, type EntraUser, type TenantRef, type UserCursor, type UserPage } from './directory.js';

export const USER_SELECT = 'id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,mobilePhone,businessPhones,otherMails,proxyAddresses,userType';
const DISCOVERY_CONCURRENCY = 8;
/** Delta pages as large as Graph allows: fewer requests per tenant. */
const DELTA_PAGE = { prefer: 'odata.maxpagesize=999' };

interface GraphPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

type DeltaItem = Partial<EntraUser> & { id: string; '@removed'?: { reason: string } };

export interface DirectDirectoryOptions {
  tokens: PartnerTokens;
  partnerTenantId: string;
  /** Graph root without /v1.0. */
  graphUrl: string;
}

export function directDirectory(options: DirectDirectoryOptions): EntraDirectory & { listTenants(signal?: AbortSignal): Promise<{ tenantId: string; displayName: string }[]> } {
  const counter: RequestCounter = { calls: 0 };
  const tokens = new Map<string, Promise<{ token: string; expiresAt: number }>>();
  const graph = `${options.graphUrl}/v1.0`;

  async function tokenFor(tenantId: string): Promise<string> {
    const cached = tokens.get(tenantId);
    if (cached) {
      const value = await cached.catch(() => null);
      if (value && value.expiresAt - Date.now() > 120_000) return value.token;
    }
    counter.calls++;
    const pending = options.tokens.graphToken(tenantId);
    tokens.set(tenantId, pending);
    pending.catch(() => tokens.delete(tenantId));
    return (await pending).token;
  }

  const get = async <T>(tenantId: string, url: string, signal?: AbortSignal, headers?: Record<string, string>) =>
    getJson<T>(url, { token: await tokenFor(tenantId), counter, what: 'Microsoft Graph', headers, signal });

  async function* pages<T>(tenantId: string, first: string, signal?: AbortSignal, headers?: Record<string, string>): AsyncGenerator<GraphPage<T>> {
    for (let url: string | undefined = first; url; ) {
      const page: GraphPage<T> = await get<GraphPage<T>>(tenantId, url, signal, headers);
      yield page;
      url = page['@odata.nextLink'];
    }
  }

  async function describeTenant(customer: { tenantId: string; displayName: string }, signal?: AbortSignal): Promise<DiscoveredTenant> {
    const base = { entraTenantId: customer.tenantId, displayName: customer.displayName };
    try {
      const domains = await get<GraphPage<{ id: string; isDefault: boolean; isVerified: boolean }>>(customer.tenantId, `${graph}/domains`, signal);
      const verified = domains.value.filter((d) => d.isVerified);
      let userCount = 0;
      for await (const page of pages<{ id: string }>(customer.tenantId, `${graph}/users?$select=id&$filter=${encodeURIComponent("userType eq 'Member'")}&$top=999`, signal)) {
        userCount += page.value.length;
      }
      return { ...base, defaultDomain: verified.find((d) => d.isDefault)?.id ?? null, domains: verified.map((d) => d.id.toLowerCase()), userCount, error: null };
    } catch (err) {
      return { ...base, defaultDomain: null, domains: [], userCount: null, error: (err as Error).message };
    }
  }

  /** Customers with an active GDAP relationship: the ones the partner can actually read. */
  async function listTenants(signal?: AbortSignal) {
    const customers: { tenantId: string; displayName: string }[] = [];
    for await (const page of pages<{ tenantId: string; displayName: string }>(options.partnerTenantId, `${graph}/tenantRelationships/delegatedAdminCustomers?$top=300`, signal)) {
      customers.push(...page.value);
    }
    return customers;
  }

  return {
    get calls() {
      return counter.calls;
    },
    listTenants,

    async discoverTenants(signal) {
      const customers = await listTenants(signal);
      return mapWithLimit(customers, DISCOVERY_CONCURRENCY, (c) => describeTenant(c, signal));
    },

    async readUsers(tenant: TenantRef, cursor: UserCursor | null, signal?: AbortSignal): Promise<UserPage> {
      const id = tenant.entraTenantId;
      if (!cursor || cursor.kind === 'full') {
        // Take the delta baseline before listing, so a change made during the listing shows up in
        // the next delta round (possibly twice, which reconciling tolerates) and is never missed.
        let deltaLink = cursor?.deltaLink;
        if (!deltaLink) {
          for await (const page of pages<DeltaItem>(id, `${graph}/users/delta?$select=${USER_SELECT}`, signal, DELTA_PAGE)) deltaLink = page['@odata.deltaLink'] ?? deltaLink;
        }
        const url = cursor?.next ?? `${graph}/users?$select=${USER_SELECT}&$top=999`;
        const page = await get<GraphPage<EntraUser>>(id, url, signal);
        const next = page['@odata.nextLink'];
        return { users: page.value.map(normalizeUser), removed: [], next: next ? { kind: 'full', next, deltaLink } : null, deltaLink: next ? undefined : (deltaLink ?? null) };
      }
      let page: GraphPage<DeltaItem>;
      // The token first (cached afterwards), so that only Graph's own answer to the link is judged below.
      await tokenFor(id);
      try {
        page = await get<GraphPage<DeltaItem>>(id, cursor.link, signal, DELTA_PAGE);
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (err.status === 410 || err.code === 'syncStateNotFound' || err.code === 'resyncRequired') throw new ResyncRequired(err.message);
        // Token or consent trouble (401/403: a full listing would be refused the same way), throttling
        // and outages (already retried by http.ts): the tenant fails this run and keeps its link.
        if (err.status === 0 || err.status === 401 || err.status === 403 || err.status === 429 || err.status >= 500) throw err;
        // A delta page link is single use: after a crash between reading and saving it, restart the round (once).
        if (cursor.link !== cursor.roundStart && !cursor.restarted) {
          return { users: [], removed: [], next: { kind: 'delta', link: cursor.roundStart, roundStart: cursor.roundStart, restarted: true } };
        }
        // Any other refusal of a stored link: Graph promises no particular answer for a stale one
        // (https://github.com/microsoftgraph/microsoft-graph-docs/issues/9053; 404 UnknownError in
        // https://github.com/microsoftgraph/microsoft-graph-docs/issues/1000), so start over with a full listing.
        throw new ResyncRequired(err.message);
      }
      const removed = page.value.filter((u) => u['@removed']).map((u) => ({ id: u.id, permanent: u['@removed']!.reason === 'deleted' }));
      const users = page.value.filter((u) => !u['@removed']).map(normalizeUser);
      const next = page['@odata.nextLink'];
      return { users, removed, next: next ? { kind: 'delta', link: next, roundStart: cursor.roundStart, ...(cursor.restarted ? { restarted: true } : {}) } : null, deltaLink: next ? undefined : (page['@odata.deltaLink'] ?? null) };
    },
  };
}

export function normalizeUser(u: Partial<EntraUser> & { id: string }): EntraUser {
  return {
    id: u.id,
    displayName: u.displayName ?? u.userPrincipalName ?? u.id,
    userPrincipalName: u.userPrincipalName ?? '',
    mail: u.mail ?? null,
    accountEnabled: u.accountEnabled !== false,
    jobTitle: u.jobTitle ?? null,
    mobilePhone: u.mobilePhone ?? null,
    businessPhones: u.businessPhones ?? [],
    proxyAddresses: u.proxyAddresses ?? [],
    userType: u.userType ?? null,
  };
}
