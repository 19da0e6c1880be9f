// oauth2.googleapis.com: the token endpoint (authorization_code, refresh_token), revoke, tokeninfo,
// userinfo and the id_token signing certificates.
// https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GoogleContext } from './context.js';
import { oauthError } from './errors.js';
import type { IdTokenSigner } from './id-token.js';
import type { AccessToken, OAuthClient } from './oauth-store.js';

type Form = Record<string, string | undefined>;

class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Client secret in the body (client_secret_post, the library's default) or HTTP Basic. */
function authenticateClient(context: GoogleContext, request: FastifyRequest, form: Form): OAuthClient {
  let clientId = form.client_id;
  let secret = form.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString();
    const colon = decoded.indexOf(':');
    clientId = decodeURIComponent(decoded.slice(0, colon));
    secret = decodeURIComponent(decoded.slice(colon + 1));
  }
  const client = context.oauth.clients.get(clientId ?? '');
  if (!client) throw new OAuthFailure(401, 'invalid_client', 'The OAuth client was not found.');
  if (client.clientSecret !== secret) throw new OAuthFailure(401, 'invalid_client', 'Unauthorized');
  return client;
}

/** RFC 7636: S256 is BASE64URL(SHA256(verifier)) without padding; plain compares as is. */
function verifierMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const derived = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return derived === challenge;
}

export function registerTokenRoutes(app: FastifyInstance, context: GoogleContext, signer: IdTokenSigner): void {
  const { oauth } = context;

  const tokenResponse = (access: AccessToken, extra: { refreshToken?: string; nonce?: string }) => {
    const account = oauth.accounts.get(access.email)!;
    return {
      access_token: access.token,
      expires_in: Math.round((access.expiresAt - context.now()) / 1000),
      ...(extra.refreshToken ? { refresh_token: extra.refreshToken } : {}),
      scope: access.scopes.join(' '),
      token_type: 'Bearer',
      ...(access.scopes.includes('openid')
        ? { id_token: signer.sign({ account, clientId: access.clientId, scopes: access.scopes, accessToken: access.token, nowMs: context.now(), ...(extra.nonce ? { nonce: extra.nonce } : {}) }) }
        : {}),
    };
  };

  const exchangeCode = (client: OAuthClient, form: Form) => {
    // A used, expired, foreign or unknown code: invalid_grant "Bad Request" (codes are single-use).
    const code = form.code ? oauth.consumeCode(form.code) : null;
    if (!code || code.clientId !== client.clientId) throw new OAuthFailure(400, 'invalid_grant', form.code ? 'Bad Request' : 'Missing required parameter: code');
    if (form.redirect_uri !== code.redirectUri) throw new OAuthFailure(400, 'redirect_uri_mismatch', 'Bad Request');
    if (code.codeChallenge) {
      if (!form.code_verifier) throw new OAuthFailure(400, 'invalid_grant', 'Missing code verifier.');
      if (!verifierMatches(form.code_verifier, code.codeChallenge, code.codeChallengeMethod ?? 'plain')) {
        throw new OAuthFailure(400, 'invalid_grant', 'Invalid code verifier.');
      }
    }
    const hadGrant = oauth.liveGrant(client.clientId, code.email) !== undefined;
    const grant = oauth.grantFor(client.clientId, code.email, code.scopes);
    // "refresh_token only returned on first authorization -> use prompt=consent to force a new one".
    const refreshToken = code.offline && (!hadGrant || code.forceConsent || grant.refreshTokens.size === 0) ? oauth.issueRefreshToken(grant) : undefined;
    return tokenResponse(oauth.issueAccessToken(grant, code.scopes), { ...(refreshToken ? { refreshToken } : {}), ...(code.nonce ? { nonce: code.nonce } : {}) });
  };

  const refresh = (client: OAuthClient, form: Form) => {
    if (!form.refresh_token) throw new OAuthFailure(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = oauth.grantOfRefreshToken(form.refresh_token);
    // The wire shape seen in real logs: {"error":"invalid_grant","error_description":"Token has been expired or revoked."}
    if (!grant || grant.clientId !== client.clientId) throw new OAuthFailure(400, 'invalid_grant', 'Token has been expired or revoked.');
    const scopes = form.scope ? form.scope.split(/\s+/) : grant.scopes;
    if (!scopes.every((s) => grant.scopes.includes(s))) throw new OAuthFailure(400, 'invalid_scope', 'Some requested scopes were invalid.');
    // Google does not rotate refresh tokens: the answer has no refresh_token.
    return tokenResponse(oauth.issueAccessToken(grant, scopes), {});
  };

  const fail = (reply: FastifyReply, error: unknown) => {
    if (!(error instanceof OAuthFailure)) throw error;
    return reply.code(error.status).header('cache-control', 'no-store').send(oauthError(error.error, error.description));
  };

  app.post<{ Body: Form }>('/token', async (request, reply) => {
    const form = request.body ?? {};
    try {
      const client = authenticateClient(context, request, form);
      reply.header('cache-control', 'no-cache, no-store, max-age=0, must-revalidate').header('pragma', 'no-cache');
      if (form.grant_type === 'authorization_code') return exchangeCode(client, form);
      if (form.grant_type === 'refresh_token') return refresh(client, form);
      throw new OAuthFailure(400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
    } catch (error) {
      return fail(reply, error);
    }
  });

  // The library POSTs `?token=…` with no body; forms with `token` in the body work too.
  app.post<{ Body: Form; Querystring: Form }>('/revoke', async (request, reply) => {
    const token = request.query.token ?? request.body?.token;
    if (!token || !oauth.revokeToken(token)) return reply.code(400).send(oauthError('invalid_token', 'Token expired or revoked'));
    return {};
  });

  const bearer = (request: FastifyRequest<{ Querystring: Form }>) =>
    oauth.verify(request.headers.authorization ?? (request.query.access_token ? `Bearer ${request.query.access_token}` : undefined));

  const tokenInfo = async (request: FastifyRequest<{ Querystring: Form; Body: Form }>, reply: FastifyReply) => {
    const raw = request.body?.access_token ?? request.query.access_token;
    const access = oauth.verify(raw ? `Bearer ${raw}` : request.headers.authorization);
    if (!access) return reply.code(400).send(oauthError('invalid_token', 'Invalid Value'));
    const account = oauth.accounts.get(access.email)!;
    return {
      azp: access.clientId,
      aud: access.clientId,
      sub: account.sub,
      scope: access.scopes.join(' '),
      exp: String(Math.floor(access.expiresAt / 1000)),
      expires_in: String(Math.round((access.expiresAt - context.now()) / 1000)),
      email: account.email,
      email_verified: 'true',
      access_type: oauth.liveGrant(access.clientId, access.email)?.refreshTokens.size ? 'offline' : 'online',
    };
  };
  app.get('/tokeninfo', tokenInfo);
  app.post('/tokeninfo', tokenInfo);

  // https://developers.google.com/identity/openid-connect/openid-connect#obtaininguserprofileinformation
  const userInfo = async (request: FastifyRequest<{ Querystring: Form }>, reply: FastifyReply) => {
    const access = bearer(request);
    if (!access) return reply.code(401).send(oauthError('invalid_request', 'Invalid Credentials'));
    const account = oauth.accounts.get(access.email)!;
    const hasEmail = access.scopes.some((s) => s === 'email' || s.endsWith('userinfo.email'));
    const hasProfile = access.scopes.some((s) => s === 'profile' || s.endsWith('userinfo.profile'));
    return {
      sub: account.sub,
      ...(hasProfile ? { name: account.name } : {}),
      ...(hasEmail ? { email: account.email, email_verified: true } : {}),
    };
  };
  app.get('/oauth2/v3/userinfo', userInfo);
  app.get('/v1/userinfo', userInfo);

  app.get('/oauth2/v1/certs', async () => signer.pemCerts());
  app.get('/oauth2/v3/certs', async () => signer.jwks());
}
