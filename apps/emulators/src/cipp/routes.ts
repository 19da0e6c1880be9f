// CIPP's API functions a PSA reads (KelvinTegelaar/CIPP-API @ adf3242: Invoke-ListTenants.ps1,
// Invoke-ListUsers.ps1, Invoke-ListDomains.ps1, Invoke-ListGraphRequest.ps1), answered from the
// Microsoft emulator's directory. ListTenants and ListUsers answer everything at once (CIPP follows
// Graph's nextLinks itself); ListGraphRequest pages on request (graph-request.ts).
// Paths are function names and case-sensitive (CIPP-API Config/openapi.json), so no route aliases.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryStore, DirectoryTenant, DirectoryUser } from '../microsoft/directory-store.js';
import type { AccessTokenClaims, TokenRegistry } from '../microsoft/tokens.js';
import { canonicalQuery, listGraphRequest } from './graph-request.js';

export interface CippRouteOptions {
  tokens: TokenRegistry;
  store: DirectoryStore;
  /** The CIPP-API app registration: tokens must be for `api://{apiClientId}`. */
  apiClientId: string;
  /** The MSP tenant CIPP runs for; default: the tenant of the caller's token. */
  partnerTenantId?: string;
}

type Query = Record<string, string | undefined>;

export function registerCippRoutes(app: FastifyInstance, options: CippRouteOptions): void {
  const { store } = options;

  /** Bearer token from the identity emulator (client credentials, scope api://{id}/.default): 401 without, 403 for another audience. */
  function authorize(request: FastifyRequest, reply: FastifyReply): { partner: DirectoryTenant } | null {
    const claims: AccessTokenClaims | null = options.tokens.verify(request.headers.authorization);
    if (!claims) {
      reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'Unauthorized', message: 'A valid bearer token is required.' });
      return null;
    }
    if (claims.audience !== `api://${options.apiClientId}`) {
      reply.code(403).send({ error: 'Forbidden', message: 'The token is not for the CIPP API.' });
      return null;
    }
    const partner = store.tenants.get(options.partnerTenantId ?? claims.tenantId);
    if (!partner) {
      reply.code(403).send({ error: 'Forbidden', message: 'Unknown partner tenant.' });
      return null;
    }
    return { partner };
  }

  /** tenantFilter: default domain or tenant id. Missing → the MSP's own tenant (Get-GraphToken defaults to $env:TenantID). */
  function targetTenant(partner: DirectoryTenant, filter: string | undefined): DirectoryTenant | null {
    if (!filter) return partner;
    const tenant = store.findTenant(filter);
    if (!tenant) return null;
    return tenant.id === partner.id || store.hasRelationship(partner.id, tenant.id) ? tenant : null;
  }

  app.get<{ Querystring: Query }>('/api/ListTenants', async (request, reply) => {
    const auth = authorize(request, reply);
    if (!auth) return reply;
    const rows = store.customersOf(auth.partner.id).map((r) => tenantRow(store, store.tenants.get(r.customerId)!, r.gdapActive));
    const filtered = request.query.tenantFilter ? rows.filter((row) => row.customerId === request.query.tenantFilter || row.defaultDomainName === request.query.tenantFilter) : rows;
    // ?AllTenantSelector=true puts a synthetic "*All Tenants" row first (Invoke-ListTenants.ps1).
    if (request.query.AllTenantSelector === 'true') return [{ customerId: 'AllTenants', defaultDomainName: 'AllTenants', displayName: '*All Tenants', domains: 'AllTenants', GraphErrorCount: 0 }, ...filtered];
    return filtered;
  });

  app.get<{ Querystring: Query }>('/api/ListUsers', async (request, reply) => {
    const auth = authorize(request, reply);
    if (!auth) return reply;
    const tenant = targetTenant(auth.partner, request.query.tenantFilter);
    // CIPP answers errors from its functions as 403 with the message as the body.
    if (!tenant) return reply.code(403).send(`Could not find tenant ${request.query.tenantFilter}`);
    const users = store.users(tenant.id);
    const one = request.query.UserID ? users.filter((u) => u.id === request.query.UserID) : users;
    return one.map(cippUser);
  });

  app.get<{ Querystring: Query }>('/api/ListGraphRequest', async (request, reply) => {
    const auth = authorize(request, reply);
    if (!auth) return reply;
    const filter = canonicalQuery(request.query).TenantFilter;
    const tenant = targetTenant(auth.partner, filter);
    if (!tenant) return reply.code(403).send(`Could not find tenant ${filter}`);
    const answer = listGraphRequest(store, tenant, request.query);
    return reply.code(answer.status).send(answer.body);
  });

  app.get<{ Querystring: Query }>('/api/ListDomains', async (request, reply) => {
    const auth = authorize(request, reply);
    if (!auth) return reply;
    const tenant = targetTenant(auth.partner, request.query.tenantFilter);
    if (!tenant) return reply.code(403).send(`Could not find tenant ${request.query.tenantFilter}`);
    return tenant.domains.map((d) => ({ id: d.id, isDefault: d.isDefault, isInitial: d.isInitial, isVerified: d.isVerified }));
  });
}

/** One row of CIPP's Tenants table (Get-Tenants.ps1). */
function tenantRow(store: DirectoryStore, tenant: DirectoryTenant, gdapActive: boolean) {
  return {
    PartitionKey: 'Tenants',
    RowKey: tenant.id,
    customerId: tenant.id,
    displayName: tenant.displayName,
    relationshipEnd: '2027-01-01T00:00:00Z',
    relationshipCount: 1,
    defaultDomainName: store.defaultDomain(tenant),
    initialDomainName: store.initialDomain(tenant),
    hasAutoExtend: true,
    delegatedPrivilegeStatus: gdapActive ? 'granularDelegatedAdminPrivileges' : 'directTenant',
    domains: '',
    Excluded: false,
    ExcludeUser: '',
    ExcludeDate: '',
    GraphErrorCount: 0,
    LastGraphError: '',
    RequiresRefresh: false,
    LastRefresh: tenant.createdDateTime,
  };
}

/** A Graph beta user plus the fields Invoke-ListUsers.ps1 adds (username, Aliases, LicJoined, primDomain). */
function cippUser(user: DirectoryUser) {
  const domain = user.userPrincipalName.split('@')[1] ?? '';
  return {
    id: user.id,
    accountEnabled: user.accountEnabled,
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    otherMails: user.otherMails,
    proxyAddresses: user.proxyAddresses,
    jobTitle: user.jobTitle,
    mobilePhone: user.mobilePhone,
    businessPhones: user.businessPhones,
    userType: user.userType,
    onPremisesSyncEnabled: false,
    assignedLicenses: [],
    username: user.userPrincipalName.split('@')[0],
    Aliases: user.proxyAddresses.join(', '),
    LicJoined: '',
    primDomain: { value: domain, label: domain },
  };
}
