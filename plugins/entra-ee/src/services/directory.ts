// What the sync needs from a partner connection, whatever its kind: the managed customer tenants
// with their verified domains, and each tenant's users page by page. Direct (Graph with the
// partner's delegated token) and CIPP implement it; nothing else branches on the connection kind.

export interface EntraUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  jobTitle: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  proxyAddresses: string[];
  userType: string | null;
}

export interface DiscoveredTenant {
  entraTenantId: string;
  displayName: string;
  defaultDomain: string | null;
  /** Every verified domain of the tenant (the initial *.onmicrosoft.com one included). */
  domains: string[];
  userCount: number | null;
  /** Set when the tenant was listed but its details could not be read. */
  error: string | null;
}

/**
 * Where a tenant's user listing stands. `full`: list every user (`next` continues it; `deltaLink`
 * is where the following delta round starts once this listing completes). `delta`: read changes
 * from `link` (a deltaLink or a delta nextLink).
 */
export type UserCursor =
  | { kind: 'full'; next?: string; deltaLink?: string }
  | { kind: 'delta'; link: string; roundStart: string; /** The round was restarted once after a refused page link. */ restarted?: boolean };

export interface UserPage {
  users: EntraUser[];
  /** Users removed since the last delta round (`permanent` for hard deletes). */
  removed: { id: string; permanent: boolean }[];
  /** Where to continue, or null when the listing or round is complete. */
  next: UserCursor | null;
  /** Set on the last page: the deltaLink to store for the next run (null when the source has none). */
  deltaLink?: string | null;
}

export interface TenantRef {
  entraTenantId: string;
  domains: string[];
}

export interface EntraDirectory {
  discoverTenants(signal?: AbortSignal): Promise<DiscoveredTenant[]>;
  /** A tenant's users from `cursor`; `cursor` null starts a full listing. */
  readUsers(tenant: TenantRef, cursor: UserCursor | null, signal?: AbortSignal): Promise<UserPage>;
  /** Requests made to the provider so far (tokens included). */
  readonly calls: number;
}

/** The delta round is stale: Graph wants a full resync (410 resyncRequired, 400 syncStateNotFound, or a stored link it refuses otherwise). */
export class ResyncRequired extends Error {}

/** Runs `work` over `items` with at most `limit` at a time, keeping the input order in the result. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}
