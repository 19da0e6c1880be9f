// Graph's directory and partner routes (graph.microsoft.com/v1.0): contracts, delegatedAdminCustomers,
// domains, organization, users and users/delta — answered for the tenant of the caller's token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MicrosoftContext, MicrosoftPart } from './context.js';
import { graphError } from './errors.js';
import { directoryStoreFor, type DirectoryStore, type DirectoryUser } from './directory-store.js';
import { UserDeltaTracker, type DeltaLinkFailure } from './directory-delta.js';
import { decodeSkipToken, encodeSkipToken, linkWith, ODataError, pageOf, parseSelect, parseTop, parseUserFilter, preferredPageSize, projectUser } from './directory-odata.js';
import { seedPartner, type SeededPartner, type SeedPartnerOptions } from './directory-seed.js';
import { registerDirectoryControls } from './directory-controls.js';
import { DirectoryThrottle, requestCost, type ThrottleSettings } from './directory-throttle.js';
import type { AccessTokenClaims } from './tokens.js';
import { GRAPH_RESOURCE } from './identity-scopes.js';

export interface DirectoryPart extends MicrosoftPart {
  store: DirectoryStore;
  /** A partner tenant with `customers` customer tenants of `usersPerCustomer` users each, the same for the same seed. */
  seedPartner(options?: SeedPartnerOptions): SeededPartner;
  updateUser(userId: string, changes: Partial<Omit<DirectoryUser, 'id' | 'tenantId' | 'changeSeq'>>): DirectoryUser;
  disableUser(userId: string): DirectoryUser;
  /** Soft delete (delta `@removed.reason` "changed") or permanent ("deleted"). */
  deleteUser(userId: string, permanent?: boolean): void;
  /** Bring back a soft-deleted user (deletedItems restore). */
  restoreUser(userId: string): DirectoryUser;
  /** Make every delta link fail: `resync` → 410 Gone (default), `expired` → 400 syncStateNotFound, or `{status, code}`. */
  expireDeltaTokens(mode?: DeltaLinkFailure): void;
  /** Identity throttling per app + tenant (on by default, with Graph's quotas); `quota` lowers it for a test or a bench. */
  setThrottling(settings: Partial<ThrottleSettings>): void;
  /** 429s answered by the identity throttling since the last reset. */
  readonly throttled: number;
  /** Requests that came back before the Retry-After of their app + tenant pair's last 429. */
  readonly retriedEarly: number;
}

type Query = Record<string, string | undefined>;

export function registerDirectory(app: FastifyInstance, context: MicrosoftContext): DirectoryPart {
  const store = directoryStoreFor(context);
  const delta = new UserDeltaTracker(store, context.now);
  const throttle = new DirectoryThrottle(context.now);
  const base = () => `${context.baseUrl()}/v1.0`;

  /** The caller's token for Graph, or a 401 (https://learn.microsoft.com/en-us/graph/errors). */
  function authorize(request: FastifyRequest, reply: FastifyReply): AccessTokenClaims | null {
    const claims = context.tokens.verify(request.headers.authorization);
    if (!claims || (claims.audience && claims.audience !== GRAPH_RESOURCE) || !store.tenants.has(claims.tenantId)) {
      reply.code(401).header('www-authenticate', 'Bearer realm="", error="invalid_token"').send(graphError(401, undefined, claims ? 'Invalid audience.' : 'Access token has expired or is not yet valid.'));
      return null;
    }
    return claims;
  }

  function handle<Q extends Query>(route: string, body: (claims: AccessTokenClaims, request: FastifyRequest<{ Querystring: Q }>) => unknown) {
    app.get<{ Querystring: Q }>(route, async (request, reply) => {
      const claims = authorize(request, reply);
      if (!claims) return reply;
      const units = requestCost(route.slice('/v1.0'.length), request.query as Query);
      const decision = units === null ? null : throttle.take({ appId: claims.clientId, tenantId: claims.tenantId, tenantUsers: store.users(claims.tenantId).length, units });
      if (units !== null) reply.header('x-ms-resource-unit', String(units));
      if (decision && !decision.ok) {
        reply.header('retry-after', String(decision.retryAfterSeconds));
        reply.header('x-ms-throttle-scope', `Tenant_Application/Read/${claims.clientId}/${claims.tenantId}`);
        reply.header('x-ms-throttle-information', 'ResourceUnitLimitExceeded');
        return reply.code(429).send(graphError(429, undefined, 'Too many requests. Retry after the time in the Retry-After header.'));
      }
      // Sent only past 0.8 of the limit (throttling-limits doc, "Regular responses requests").
      if (decision && decision.usedPercent > 0.8) reply.header('x-ms-throttle-limit-percentage', decision.usedPercent.toFixed(2));
      try {
        return body(claims, request);
      } catch (error) {
        if (!(error instanceof ODataError)) throw error;
        // A stale delta link points the client back at the initial query.
        if (error.status === 410) reply.header('location', `${base()}/users/delta`);
        return reply.code(error.status).send(graphError(error.status, { reason: error.code }, error.message));
      }
    });
  }

  // https://learn.microsoft.com/en-us/graph/api/contract-list — the partner tenant's customers.
  handle<Query>('/v1.0/contracts', (claims, request) => {
    const contracts = store.customersOf(claims.tenantId).map((r) => ({ id: r.id, contractType: r.contractType, customerId: r.customerId, defaultDomainName: r.defaultDomainName, displayName: r.displayName }));
    const top = parseTop(request.query.$top);
    const page = pageOf(contracts, decodeSkipToken(request.query.$skiptoken, claims.tenantId), top, (o) => linkWith(base(), '/contracts', { $top: request.query.$top, $skiptoken: encodeSkipToken(claims.tenantId, o) }));
    return { '@odata.context': `${base()}/$metadata#contracts`, value: page.value, ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}) };
  });

  // https://learn.microsoft.com/en-us/graph/api/tenantrelationship-list-delegatedadmincustomers — active GDAP only, $top ≤ 300.
  handle<Query>('/v1.0/tenantRelationships/delegatedAdminCustomers', (claims, request) => {
    if (!claims.userId) throw new ODataError(403, 'Forbidden', 'This API does not support application permissions.');
    const customers = store.customersOf(claims.tenantId).filter((r) => r.gdapActive).map((r) => ({
      '@odata.type': '#microsoft.graph.delegatedAdminCustomer',
      '@odata.etag': `W/"${Buffer.from(r.id).toString('base64').slice(0, 40)}"`,
      id: r.customerId,
      tenantId: r.customerId,
      displayName: r.displayName,
    }));
    const top = parseTop(request.query.$top, 300);
    const page = pageOf(customers, decodeSkipToken(request.query.$skiptoken, claims.tenantId), top, (o) => linkWith(base(), '/tenantRelationships/delegatedAdminCustomers', { $top: request.query.$top, $skiptoken: encodeSkipToken(claims.tenantId, o) }));
    return { '@odata.context': `${base()}/tenantRelationships/$metadata#delegatedAdminCustomers`, value: page.value, ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}) };
  });

  // https://learn.microsoft.com/en-us/graph/api/domain-list
  handle<Query>('/v1.0/domains', (claims) => ({
    '@odata.context': `${base()}/$metadata#domains`,
    value: store.tenants.get(claims.tenantId)!.domains.map((d) => ({
      authenticationType: 'Managed',
      availabilityStatus: null,
      id: d.id,
      isAdminManaged: true,
      isDefault: d.isDefault,
      isInitial: d.isInitial,
      isRoot: true,
      isVerified: d.isVerified,
      passwordNotificationWindowInDays: 14,
      passwordValidityPeriodInDays: 2147483647,
      supportedServices: d.isVerified ? (d.isInitial ? ['Email', 'OfficeCommunicationsOnline'] : ['Email']) : [],
      state: null,
    })),
  }));

  // https://learn.microsoft.com/en-us/graph/api/organization-list
  handle<Query>('/v1.0/organization', (claims) => {
    const tenant = store.tenants.get(claims.tenantId)!;
    const verifiedDomains = tenant.domains.filter((d) => d.isVerified).map((d) => ({ capabilities: d.isInitial ? 'Email, OfficeCommunicationsOnline' : 'Email', isDefault: d.isDefault, isInitial: d.isInitial, name: d.id, type: 'Managed' }));
    return { '@odata.context': `${base()}/$metadata#organization`, value: [{ id: tenant.id, displayName: tenant.displayName, createdDateTime: tenant.createdDateTime, tenantType: 'AAD', verifiedDomains }] };
  });

  // https://learn.microsoft.com/en-us/graph/api/user-list — $select, $top (≤ 999, default 100), $filter, nextLink paging.
  handle<Query>('/v1.0/users', (claims, request) => {
    const { $select, $top, $filter, $skiptoken } = request.query;
    const select = parseSelect($select);
    const top = parseTop($top);
    const matches = parseUserFilter($filter);
    const users = store.users(claims.tenantId).filter(matches);
    const page = pageOf(users, decodeSkipToken($skiptoken, claims.tenantId), top, (o) => linkWith(base(), '/users', { $select, $top, $filter, $skiptoken: encodeSkipToken(claims.tenantId, o) }));
    return {
      '@odata.context': `${base()}/$metadata#users${select ? `(${select.join(',')})` : ''}`,
      ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
      value: page.value.map((u) => projectUser(u, select)),
    };
  });

  // https://learn.microsoft.com/en-us/graph/api/user-delta — pages by `Prefer: odata.maxpagesize` (default 100).
  handle<Query>('/v1.0/users/delta', (claims, request) => {
    const { $select, $skiptoken, $deltatoken } = request.query;
    const round = $skiptoken ? delta.continueRound(claims.tenantId, $skiptoken) : delta.begin(claims.tenantId, parseSelect($select), $deltatoken);
    const page = delta.page(round, preferredPageSize(request.headers.prefer, 100));
    return {
      '@odata.context': `${base()}/$metadata#users`,
      ...(page.skipToken ? { '@odata.nextLink': `${base()}/users/delta?$skiptoken=${page.skipToken}` } : {}),
      ...(page.deltaToken ? { '@odata.deltaLink': `${base()}/users/delta?$deltatoken=${page.deltaToken}` } : {}),
      value: page.value,
    };
  });

  const part: DirectoryPart = {
    store,
    seedPartner: (options) => seedPartner(store, options),
    updateUser: (userId, changes) => store.updateUser(userId, changes),
    disableUser: (userId) => store.updateUser(userId, { accountEnabled: false }),
    deleteUser: (userId, permanent) => store.deleteUser(userId, permanent),
    restoreUser: (userId) => store.restoreUser(userId),
    expireDeltaTokens: (mode) => delta.invalidateAll(mode),
    setThrottling: (settings) => throttle.configure(settings),
    get throttled() {
      return throttle.throttled;
    },
    get retriedEarly() {
      return throttle.retriedEarly;
    },
    reset() {
      throttle.reset();
      delta.reset();
      store.reset();
    },
  };
  registerDirectoryControls(app, part);
  return part;
}
