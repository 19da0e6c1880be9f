// POST /{tenant}/oauth2/v2.0/token: authorization_code (with PKCE), refresh_token (rotating, and the
// partner → customer tenant exchange) and client_credentials, answering like the identity platform.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppRegistration, DirectoryUser } from './directory-store.js';
import { publicOrigin, resolveAuthority, sendAadError, unknownTenant, type Authority, type IdentityState } from './identity-authority.js';
import { timeSpan, verifyPkce } from './identity-grants.js';
import { signJwt } from './identity-keys.js';
import { GRAPH_RESOURCE, parseScopes, responseScope, type ParsedScopes } from './identity-scopes.js';

type TokenBody = Record<string, string | undefined>;

export function registerTokenRoute(app: FastifyInstance, state: IdentityState): void {
  app.post<{ Params: { tenant: string }; Body: TokenBody }>('/:tenant/oauth2/v2.0/token', async (request, reply) => {
    const body = request.body ?? {};
    const authority = resolveAuthority(state.store, request.params.tenant);
    if (!authority) return unknownTenant(reply, request.params.tenant);
    const client = authenticateClient(state, request, body, reply);
    if (!client) return reply;
    const scopes = parseScopes(body.scope);
    if (!scopes) return sendAadError(reply, 400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource.');
    switch (body.grant_type) {
      case 'authorization_code':
        return authorizationCode(state, request, reply, client, authority, body, scopes);
      case 'refresh_token':
        return refreshToken(state, request, reply, client, authority, body, scopes);
      case 'client_credentials':
        return clientCredentials(state, reply, client, authority, scopes);
      case undefined:
        return sendAadError(reply, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
      default:
        return sendAadError(reply, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${body.grant_type}'.`);
    }
  });
}

/** client_secret in the body or HTTP Basic (client_secret_post / client_secret_basic). */
function authenticateClient(state: IdentityState, request: FastifyRequest, body: TokenBody, reply: FastifyReply): AppRegistration | null {
  let clientId = body.client_id;
  let secret = body.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const [id, pass] = Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent);
    clientId = id;
    secret = pass;
  }
  const client = clientId ? state.store.apps.get(clientId) : undefined;
  if (!client) {
    sendAadError(reply, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    return null;
  }
  if (!secret) {
    sendAadError(reply, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    return null;
  }
  if (!client.clientSecrets.includes(secret)) {
    sendAadError(reply, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.');
    return null;
  }
  return client;
}

function authorizationCode(state: IdentityState, request: FastifyRequest, reply: FastifyReply, client: AppRegistration, authority: Authority, body: TokenBody, scopes: ParsedScopes) {
  const code = body.code ? state.grants.code(body.code) : undefined;
  if (!code || code.clientId !== client.clientId) return sendAadError(reply, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  if (code.redeemed) return sendAadError(reply, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
  if (code.expiresAt <= state.context.now()) return sendAadError(reply, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
  if (body.redirect_uri !== code.redirectUri) return sendAadError(reply, 400, 'invalid_grant', 50011, `The redirect URI '${body.redirect_uri ?? ''}' specified in the request does not match the redirect URI of the authorization request.`);
  if (!verifyPkce(code, body.code_verifier)) return sendAadError(reply, 400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
  if (authority.kind === 'tenant' && authority.tenant.id !== code.tenantId) return sendAadError(reply, 400, 'invalid_grant', 700005, 'Provided Authorization Code is intended to use against other tenant, thus rejected.');
  const user = state.store.user(code.userId);
  if (!user?.accountEnabled) return sendAadError(reply, 400, 'invalid_grant', 50057, 'The user account is disabled.');
  code.redeemed = true;
  // The token's resource comes from the code (what was consented) unless the redemption names one.
  const granted = scopes.permissions.length > 0 ? scopes : parseScopes(code.scopes.join(' '))!;
  granted.oidc = new Set([...parseScopes(code.scopes.join(' '))!.oidc, ...scopes.oidc]);
  return sendUserTokens(state, request, reply, client, user, user.tenantId, granted, code.nonce);
}

function refreshToken(state: IdentityState, request: FastifyRequest, reply: FastifyReply, client: AppRegistration, authority: Authority, body: TokenBody, scopes: ParsedScopes) {
  const grant = body.refresh_token ? state.grants.refreshToken(body.refresh_token) : undefined;
  if (!grant || grant.clientId !== client.clientId) return sendAadError(reply, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  // revokeSignInSessions invalidates refresh tokens (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation).
  if (grant.revoked) return sendAadError(reply, 400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
  // The wire text of an aged token, e.g. "AADSTS700082: The refresh token has expired due to inactivity. The token
  // was issued on 2018-10-19T17:26:59.8511467Z and was inactive for 90.00:00:00." (refresh-tokens#token-lifetime).
  const idle = state.grants.inactivity(grant);
  if (idle !== null) {
    return sendAadError(reply, 400, 'invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date(grant.issuedAt).toISOString()} and was inactive for ${timeSpan(idle)}.`);
  }
  state.grants.markUsed(grant);
  const user = state.store.user(grant.userId);
  if (!user) return sendAadError(reply, 400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed.');
  if (!user.accountEnabled) return sendAadError(reply, 400, 'invalid_grant', 50057, 'The user account is disabled.');
  // A partner's refresh token redeemed at a customer tenant's authority gives a token for that tenant
  // when the partner has a relationship with it (CIPP Get-GraphToken.ps1; Secure Application Model).
  let tenantId = user.tenantId;
  if (authority.kind === 'tenant' && authority.tenant.id !== user.tenantId) {
    const allowed = client.multiTenant && state.store.hasRelationship(user.tenantId, authority.tenant.id);
    if (!allowed) {
      return sendAadError(reply, 400, 'invalid_grant', 50020, `User account '${user.userPrincipalName}' from identity provider 'https://sts.windows.net/${user.tenantId}/' does not exist in tenant '${authority.tenant.displayName}' and cannot access the application '${client.clientId}'(${client.displayName}) in that tenant.`);
    }
    tenantId = authority.tenant.id;
  }
  const requested = scopes.permissions.length > 0 || scopes.oidc.size > 0 ? scopes : parseScopes(grant.scopes.join(' '))!;
  return sendUserTokens(state, request, reply, client, user, tenantId, requested, undefined);
}

function clientCredentials(state: IdentityState, reply: FastifyReply, client: AppRegistration, authority: Authority, scopes: ParsedScopes) {
  if (authority.kind !== 'tenant') {
    return sendAadError(reply, 400, 'invalid_request', 900023, `Specified tenant identifier '${authority.segment}' is neither a valid DNS name, nor a valid external domain.`);
  }
  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#first-case-access-token-request-with-a-shared-secret
  if (scopes.permissions.length !== 1 || scopes.permissions[0] !== '.default' || scopes.oidc.size > 0) {
    return sendAadError(reply, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).');
  }
  const tenantId = authority.tenant.id;
  const usable = client.homeTenantId === tenantId || (client.multiTenant && state.store.hasRelationship(client.homeTenantId, tenantId));
  if (!usable) return sendAadError(reply, 400, 'unauthorized_client', 700016, `Application with identifier '${client.clientId}' was not found in the directory '${authority.tenant.displayName}'.`);
  const resourceApp = resourceAppOf(state, scopes.resource);
  if (resourceApp === null) return sendAadError(reply, 400, 'invalid_resource', 500011, `The resource principal named ${scopes.resource} was not found in the tenant named ${authority.tenant.displayName}.`);
  const permissions = scopes.resource === GRAPH_RESOURCE ? graphPermissions(client) : ['.default'];
  const issued = state.context.tokens.issue({ tenantId, clientId: client.clientId, scopes: permissions, audience: audienceOf(scopes.resource, resourceApp) }, state.accessTokenLifetime);
  // The client-credentials response has no scope, refresh or id token (same doc, "Successful response").
  return reply.header('cache-control', 'no-store').send({ token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token });
}

/**
 * The app a resource names: `api://{appId}` or one of its application ID URIs; Graph always exists.
 * Undefined for Graph, null when no app has that URI (AADSTS500011,
 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
 */
function resourceAppOf(state: IdentityState, resource: string): AppRegistration | undefined | null {
  if (resource === GRAPH_RESOURCE) return undefined;
  const appId = /^api:\/\/(.+)$/.exec(resource)?.[1];
  const byId = appId ? state.store.apps.get(appId) : undefined;
  if (byId) return byId;
  const wanted = resource.toLowerCase();
  return [...state.store.apps.values()].find((a) => a.identifierUris?.some((uri) => uri.toLowerCase() === wanted)) ?? null;
}

/**
 * One audience per API app whatever URI named it, as in v2.0 access tokens ("aud … in v2.0 tokens,
 * this value is always the client ID of the API", access-token-claims-reference), kept in the
 * `api://{clientId}` form the emulated APIs check.
 */
const audienceOf = (resource: string, app: AppRegistration | undefined) => (app ? `api://${app.clientId}` : resource);

const graphPermissions = (client: AppRegistration) => client.permissions.filter((p) => !['openid', 'profile', 'email', 'offline_access'].includes(p));

function sendUserTokens(state: IdentityState, request: FastifyRequest, reply: FastifyReply, client: AppRegistration, user: DirectoryUser, tenantId: string, scopes: ParsedScopes, nonce: string | undefined) {
  const resourceApp = resourceAppOf(state, scopes.resource);
  if (resourceApp === null) return sendAadError(reply, 400, 'invalid_resource', 500011, `The resource principal named ${scopes.resource} was not found in the tenant.`);
  const requested = scopes.permissions.length > 0 ? scopes.permissions : ['User.Read'];
  const granted = requested.includes('.default') ? (scopes.resource === GRAPH_RESOURCE ? graphPermissions(client) : ['user_impersonation']) : requested;
  // Delegated tokens carry the signed-in user's object id: Graph calendar keys mailboxes by it.
  const issued = state.context.tokens.issue({ tenantId, clientId: client.clientId, userId: user.id, scopes: granted, audience: audienceOf(scopes.resource, resourceApp) }, state.accessTokenLifetime);
  const response: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: responseScope(scopes, granted),
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.token,
  };
  // A refresh token only with offline_access; a new one on every redemption (rotation), the old one stays valid
  // (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token).
  if (scopes.oidc.has('offline_access')) {
    const scopeList = [...scopes.oidc, ...requested.map((p) => (scopes.resource === GRAPH_RESOURCE ? p : `${scopes.resource}/${p}`))];
    response.refresh_token = state.grants.issueRefreshToken({ clientId: client.clientId, userId: user.id, scopes: scopeList });
  }
  if (scopes.oidc.has('openid')) response.id_token = idToken(state, request, client, user, tenantId, nonce);
  const body = request.body as TokenBody;
  if (body.client_info === '1') {
    response.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');
  }
  return reply.header('cache-control', 'no-store').send(response);
}

/** Id token claims: https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference */
function idToken(state: IdentityState, request: FastifyRequest, client: AppRegistration, user: DirectoryUser, tenantId: string, nonce: string | undefined): string {
  const now = Math.floor(state.context.now() / 1000);
  return signJwt(state.key, {
    aud: client.clientId,
    iss: `${publicOrigin(request, state.context)}/${tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: user.displayName,
    ...(nonce ? { nonce } : {}),
    oid: user.id,
    preferred_username: user.userPrincipalName,
    ...(user.mail ? { email: user.mail } : {}),
    rh: '0.emulator',
    // `sub` is pairwise: unique per user and application.
    sub: createHash('sha256').update(`${user.id}:${client.clientId}`).digest('base64url').slice(0, 43),
    tid: tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '2.0',
  });
}
