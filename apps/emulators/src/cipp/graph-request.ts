// CIPP's ListGraphRequest for `Endpoint=users`: Graph's users list proxied for one tenant, as
// KelvinTegelaar/CIPP-API @ adf3242 answers it (Invoke-ListGraphRequest.ps1, Get-GraphRequestList.ps1,
// New-GraphGetRequest.ps1):
// - `$top` is Graph's page size, not a limit: without paging options CIPP follows every nextLink and
//   answers everything at once. `manualPagination=true` (or `NoPagination=true`) answers one page and
//   puts Graph's @odata.nextLink in `Metadata.nextLink`; the caller passes it back as `nextLink`,
//   which must be an https://graph.microsoft.com URL ("Invalid nextLink host" otherwise).
// - The body is `{Results, Metadata}`; every result gets `Tenant` (the TenantFilter as given) and
//   `CippStatus: "Good"`. A Graph failure is a 400 with the plain text
//   `Graph Error: <message> - Endpoint: <Endpoint>`.
import type { DirectoryStore, DirectoryTenant } from '../microsoft/directory-store.js';
import { decodeSkipToken, encodeSkipToken, ODataError, pageOf, parseSelect, parseTop, parseUserFilter, projectUser } from '../microsoft/directory-odata.js';

type Query = Record<string, string | undefined>;

export type GraphRequestAnswer = { status: 200; body: { Results: unknown[]; Metadata: Record<string, unknown> } } | { status: 400; body: string };

const GRAPH_HOST = 'graph.microsoft.com';
const PARAMETERS = ['Endpoint', 'TenantFilter', 'manualPagination', 'NoPagination', 'nextLink', 'Version', '$select', '$top', '$filter', 'graphFilter'];

/** PowerShell reads `$Request.Query.X` case-insensitively: `tenantFilter` is `TenantFilter`. */
export function canonicalQuery(query: Query): Query {
  const out: Query = {};
  for (const [key, value] of Object.entries(query)) out[PARAMETERS.find((p) => p.toLowerCase() === key.toLowerCase()) ?? key] = value;
  return out;
}
const truthy = (value: string | undefined) => value?.toLowerCase() === 'true';

/** The Graph query of the request, or of the nextLink it continues (whose options are "already encoded in the link"). */
function graphQuery(query: Query): Query {
  if (truthy(query.manualPagination) && query.nextLink && /^https:\/\/.+/.test(query.nextLink)) {
    let link: URL;
    try {
      link = new URL(query.nextLink);
    } catch {
      throw new Error(`Invalid nextLink URL: ${query.nextLink}`);
    }
    if (link.host !== GRAPH_HOST) throw new Error(`Invalid nextLink URL: ${query.nextLink}`);
    return Object.fromEntries(link.searchParams);
  }
  return { $select: query.$select, $top: query.$top, $filter: query.$filter ?? query.graphFilter };
}

export function listGraphRequest(store: DirectoryStore, tenant: DirectoryTenant, rawQuery: Query): GraphRequestAnswer {
  const query = canonicalQuery(rawQuery);
  const endpoint = (query.Endpoint ?? '').replace(/^\//, '');
  const version = query.Version ?? 'beta';
  try {
    if (endpoint !== 'users') throw new ODataError(400, 'BadRequest', `Resource not found for the segment '${endpoint.split('/')[0]}'.`);
    const graph = graphQuery(query);
    const select = parseSelect(graph.$select);
    const top = parseTop(graph.$top);
    const users = store.users(tenant.id).filter(parseUserFilter(graph.$filter));
    const onePage = truthy(query.manualPagination) || truthy(query.NoPagination);
    const link = (offset: number) => {
      const params = new URLSearchParams(Object.entries({ $filter: graph.$filter, $select: graph.$select, $top: graph.$top }).filter((e): e is [string, string] => !!e[1]));
      params.set('$skiptoken', encodeSkipToken(tenant.id, offset));
      return `https://${GRAPH_HOST}/${version}/users?${params}`;
    };
    let offset = decodeSkipToken(graph.$skiptoken, tenant.id);
    const results: Record<string, unknown>[] = [];
    let nextLink: string | undefined;
    do {
      const page = pageOf(users, offset, top, link);
      results.push(...page.value.map((u) => ({ ...projectUser(u, select), Tenant: query.TenantFilter, CippStatus: 'Good' })));
      nextLink = page.nextLink;
      offset += top;
    } while (nextLink && !onePage);
    const metadata: Record<string, unknown> = {
      Endpoint: query.Endpoint,
      Parameters: Object.fromEntries(Object.entries({ $select: query.$select, $top: query.$top, $filter: query.$filter ?? query.graphFilter }).filter(([, v]) => v)),
      CippLink: null,
      TenantFilter: query.TenantFilter,
      ...(truthy(query.manualPagination) ? { ManualPagination: true } : {}),
      ...(truthy(query.NoPagination) ? { NoPagination: true } : {}),
      ...(onePage && nextLink ? { nextLink } : {}),
    };
    return { status: 200, body: { Results: results, Metadata: metadata } };
  } catch (error) {
    return { status: 400, body: `Graph Error: ${(error as Error).message} - Endpoint: ${query.Endpoint ?? ''}` };
  }
}
