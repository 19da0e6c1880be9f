// What the identity routes share: the authority (`{tenant}` path segment) resolution, the public
// origin the caller sees (https through the msal-emulator network client), and AAD error bodies.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MicrosoftContext } from './context.js';
import type { DirectoryStore, DirectoryTenant } from './directory-store.js';
import type { GrantStore } from './identity-grants.js';
import type { SigningKey } from './identity-keys.js';

export interface IdentityState {
  context: MicrosoftContext;
  store: DirectoryStore;
  grants: GrantStore;
  key: SigningKey;
  /** Lifetime of access tokens in seconds (docs example: 3599). */
  accessTokenLifetime: number;
}

/** `{tenant}` of a request: a multi-tenant alias or one resolved tenant (by GUID or verified domain). */
export type Authority = { kind: 'common' | 'organizations' | 'consumers'; segment: string } | { kind: 'tenant'; segment: string; tenant: DirectoryTenant };

/** https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols#endpoints: common | organizations | consumers | GUID | domain. */
export function resolveAuthority(store: DirectoryStore, segment: string): Authority | null {
  const lower = segment.toLowerCase();
  if (lower === 'common' || lower === 'organizations' || lower === 'consumers') return { kind: lower, segment };
  const tenant = store.findTenant(segment);
  return tenant ? { kind: 'tenant', segment, tenant } : null;
}

/**
 * The origin a client used. The msal-emulator network client sends msal's https URL to the http
 * emulator with X-Forwarded-Host/Proto, so issuers and endpoints match the https authority msal
 * validates the discovery document against; plain clients get the emulator's own address.
 */
export function publicOrigin(request: FastifyRequest, context: MicrosoftContext): string {
  const host = request.headers['x-forwarded-host'];
  const proto = request.headers['x-forwarded-proto'];
  if (typeof host === 'string' && host) return `${typeof proto === 'string' && proto ? proto : 'https'}://${host}`;
  return context.baseUrl();
}

/**
 * The identity platform's error body (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1):
 * error, error_description starting `AADSTSnnnn:` and ending in trace/correlation ids and timestamp, error_codes, ...
 */
export function aadError(error: string, code: number, message: string): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

export function sendAadError(reply: FastifyReply, status: number, error: string, code: number, message: string) {
  return reply.code(status).header('cache-control', 'no-store').send(aadError(error, code, message));
}

/** AADSTS90002: the `{tenant}` segment names no tenant. */
export function unknownTenant(reply: FastifyReply, segment: string) {
  return sendAadError(reply, 400, 'invalid_request', 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
}

/** The OpenID configuration of an authority, in the shape login.microsoftonline.com serves. */
export function openIdConfiguration(origin: string, browserOrigin: string, authority: Authority): Record<string, unknown> {
  const segment = authority.kind === 'tenant' ? authority.tenant.id : authority.segment;
  // Multi-tenant authorities publish the `{tenantid}` template as issuer; msal substitutes it.
  const issuerTenant = authority.kind === 'tenant' ? authority.tenant.id : '{tenantid}';
  return {
    token_endpoint: `${origin}/${segment}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${segment}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    // The consent page is opened by a browser, which reaches the emulator's own http address.
    authorization_endpoint: `${browserOrigin}/${segment}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${origin}/${segment}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${segment}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${origin}/${segment}/kerberos`,
    tenant_region_scope: authority.kind === 'tenant' ? 'EU' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}
