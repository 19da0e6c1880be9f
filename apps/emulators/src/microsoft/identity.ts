// The Microsoft identity platform stand-in (login.microsoftonline.com): discovery, keys, the consent
// page, the token endpoint, and controls to seed the directory and revoke or expire tokens.
import type { FastifyInstance } from 'fastify';
import type { MicrosoftContext, MicrosoftPart } from './context.js';
import { directoryStoreFor, type AppRegistration, type DirectoryStore, type DirectoryTenant, type DirectoryUser, type NewUser } from './directory-store.js';
import { openIdConfiguration, publicOrigin, resolveAuthority, unknownTenant, type IdentityState } from './identity-authority.js';
import { registerAuthorizeRoutes } from './identity-authorize.js';
import { GrantStore } from './identity-grants.js';
import { createSigningKey } from './identity-keys.js';
import { registerTokenRoute } from './identity-token.js';

export interface IdentityPart extends MicrosoftPart {
  /** The directory shared with the Graph directory routes and CIPP. */
  store: DirectoryStore;
  addTenant(input: { id?: string; displayName: string; domains: string[] }): DirectoryTenant;
  addUser(tenantId: string, input: NewUser): DirectoryUser;
  addApp(input: Partial<AppRegistration> & Pick<AppRegistration, 'homeTenantId'>): AppRegistration;
  /** Disable (or re-enable) sign-in: new sign-ins and refreshes fail with AADSTS50057. */
  setUserEnabled(userId: string, enabled: boolean): void;
  /** revokeSignInSessions: the user's refresh tokens fail with invalid_grant AADSTS50173. Returns how many. */
  revokeRefreshTokens(userId: string): number;
  /** Every access token issued so far stops working (401 at Graph). */
  expireAccessTokens(): void;
  /** Every unredeemed authorization code is past its ten minutes. */
  expireCodes(): void;
  /** When a refresh token was last redeemed (emulator clock, epoch ms); null if never issued. Tests see which token a client sent. */
  refreshTokenLastUsedAt(token: string): number | null;
}

export function registerIdentity(app: FastifyInstance, context: MicrosoftContext): IdentityPart {
  const store = directoryStoreFor(context);
  const state: IdentityState = { context, store, grants: new GrantStore(context.now), key: createSigningKey(), accessTokenLifetime: 3599 };

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
  app.get<{ Params: { tenant: string } }>('/:tenant/v2.0/.well-known/openid-configuration', async (request, reply) => {
    const authority = resolveAuthority(store, request.params.tenant);
    if (!authority) return unknownTenant(reply, request.params.tenant);
    return openIdConfiguration(publicOrigin(request, context), context.baseUrl(), authority);
  });
  app.get<{ Params: { tenant: string } }>('/:tenant/discovery/v2.0/keys', async (request, reply) => {
    if (!resolveAuthority(store, request.params.tenant)) return unknownTenant(reply, request.params.tenant);
    return { keys: [{ ...state.key.jwk, issuer: `${publicOrigin(request, context)}/{tenantid}/v2.0` }] };
  });
  // Instance discovery, for clients that do not list the emulator host in knownAuthorities
  // (msal-common Authority.getCloudDiscoveryMetadataFromNetwork).
  app.get('/common/discovery/instance', async (request) => {
    const host = new URL(publicOrigin(request, context)).host;
    return {
      tenant_discovery_endpoint: `${publicOrigin(request, context)}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  });
  registerAuthorizeRoutes(app, state);
  registerTokenRoute(app, state);
  registerIdentityControls(app, state);

  return {
    store,
    addTenant: (input) => store.addTenant(input),
    addUser: (tenantId, input) => store.addUser(tenantId, input),
    addApp: (input) => store.addApp(input),
    setUserEnabled: (userId, enabled) => void store.updateUser(userId, { accountEnabled: enabled }),
    revokeRefreshTokens: (userId) => state.grants.revokeUser(userId),
    expireAccessTokens: () => context.tokens.expireAll(),
    expireCodes: () => state.grants.expireCodes(),
    refreshTokenLastUsedAt: (token) => state.grants.refreshToken(token)?.lastUsedAt ?? null,
    reset() {
      state.grants.reset();
      store.reset();
    },
  };
}

/** `/_emulator/identity/*`: the same seeding and revocation over HTTP (for the demo and other processes). */
function registerIdentityControls(app: FastifyInstance, state: IdentityState): void {
  const { store } = state;
  const prefix = '/_emulator/identity';
  app.post<{ Body: { id?: string; displayName: string; domains: string[] } }>(`${prefix}/tenants`, async (request) => store.addTenant(request.body));
  app.post<{ Body: NewUser & { tenantId: string } }>(`${prefix}/users`, async (request, reply) => {
    const { tenantId, ...user } = request.body;
    if (!store.tenants.has(tenantId)) return reply.code(404).send({ error: `Unknown tenant ${tenantId}` });
    return store.addUser(tenantId, user);
  });
  app.post<{ Body: Partial<AppRegistration> & Pick<AppRegistration, 'homeTenantId'> }>(`${prefix}/apps`, async (request) => store.addApp(request.body));
  app.post<{ Body: { partnerTenantId: string; customerId: string; gdapActive?: boolean } }>(`${prefix}/relationships`, async (request) =>
    store.addRelationship(request.body.partnerTenantId, request.body.customerId, { gdapActive: request.body.gdapActive }),
  );
  app.post<{ Params: { id: string }; Body: { enabled?: boolean } }>(`${prefix}/users/:id/enabled`, async (request, reply) => {
    if (!store.user(request.params.id)) return reply.code(404).send({ error: 'Unknown user' });
    store.updateUser(request.params.id, { accountEnabled: request.body?.enabled ?? false });
    return { ok: true };
  });
  app.post<{ Params: { id: string } }>(`${prefix}/users/:id/revoke`, async (request) => ({ revoked: state.grants.revokeUser(request.params.id) }));
  app.post(`${prefix}/expire-access-tokens`, async () => {
    state.context.tokens.expireAll();
    return { ok: true };
  });
  app.post(`${prefix}/expire-codes`, async () => {
    state.grants.expireCodes();
    return { ok: true };
  });
}
