// The OData query options the directory routes understand ($select, $top, $filter, $skiptoken) and the
// user projection Graph applies (https://learn.microsoft.com/en-us/graph/api/user-list).
import type { DirectoryUser } from './directory-store.js';

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const USER_PROPERTIES = new Set([
  'id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'accountEnabled', 'jobTitle', 'mobilePhone',
  'businessPhones', 'otherMails', 'proxyAddresses', 'userType', 'officeLocation', 'preferredLanguage', 'mailNickname',
]);
/** Properties returned without $select; accountEnabled, otherMails, proxyAddresses, userType need $select (user-list doc). */
const DEFAULT_USER_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

export function parseSelect(select: string | undefined): string[] | undefined {
  if (!select) return undefined;
  const fields = select.split(',').map((f) => f.trim()).filter(Boolean);
  for (const field of fields) {
    if (!USER_PROPERTIES.has(field)) throw new ODataError(400, 'Request_BadRequest', `Could not find a property named '${field}' on type 'microsoft.graph.user'.`);
  }
  return fields;
}

/** A user as Graph returns it: the selected properties (id always), or the default set. */
export function projectUser(user: DirectoryUser, select: string[] | undefined): Record<string, unknown> {
  const fields = select ? ['id', ...select.filter((f) => f !== 'id')] : DEFAULT_USER_PROPERTIES;
  const source = user as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = field === 'mailNickname' ? user.userPrincipalName.split('@')[0] : (source[field] ?? null);
  return out;
}

/** $top: 1–999 for users (default 100). */
export function parseTop(top: string | undefined, max = 999, fallback = 100): number {
  if (top === undefined) return fallback;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ODataError(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${top}'. Must be between 1 and ${max} inclusive.`);
  return n;
}

/** `Prefer: odata.maxpagesize=N` (delta pages). */
export function preferredPageSize(prefer: string | string[] | undefined, fallback: number): number {
  const match = /odata\.maxpagesize=(\d+)/i.exec(String(prefer ?? ''));
  return match ? Math.min(999, Math.max(1, Number(match[1]))) : fallback;
}

/** The $filter clauses a PSA sync uses: `accountEnabled eq true|false`, `userType eq 'Member'|'Guest'`, joined by `and`. */
export function parseUserFilter(filter: string | undefined): (user: DirectoryUser) => boolean {
  if (!filter) return () => true;
  const tests = filter.split(/\s+and\s+/i).map((clause) => {
    const enabled = /^\s*accountEnabled\s+eq\s+(true|false)\s*$/i.exec(clause);
    if (enabled) return (u: DirectoryUser) => u.accountEnabled === (enabled[1].toLowerCase() === 'true');
    const type = /^\s*userType\s+eq\s+'(Member|Guest)'\s*$/i.exec(clause);
    if (type) return (u: DirectoryUser) => u.userType.toLowerCase() === type[1].toLowerCase();
    throw new ODataError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property of resource 'User': ${clause}`);
  });
  return (user) => tests.every((test) => test(user));
}

/** $skiptoken: opaque to clients; here the position in the tenant's list. */
export function encodeSkipToken(tenantId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ t: tenantId, o: offset })).toString('base64url');
}

export function decodeSkipToken(token: string | undefined, tenantId: string): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { t: string; o: number };
    if (parsed.t === tenantId && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw new ODataError(400, 'Request_BadRequest', 'The specified page token value has expired or is invalid.');
}

/**
 * One page of `items` and the nextLink to the rest: the same query with a new $skiptoken
 * (https://learn.microsoft.com/en-us/graph/paging — clients follow the link as given).
 */
export function pageOf<T>(items: T[], offset: number, top: number, nextUrl: (offset: number) => string): { value: T[]; nextLink?: string } {
  const value = items.slice(offset, offset + top);
  return offset + top < items.length ? { value, nextLink: nextUrl(offset + top) } : { value };
}

export function linkWith(base: string, path: string, query: Record<string, string | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`);
  return `${base}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}
