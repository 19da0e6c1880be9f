// GET/POST /{tenant}/oauth2/v2.0/authorize: a sign-in + consent page a person (or a browser test) can
// use, then the redirect back with `code` + `state` or `error=access_denied`
// (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppRegistration } from './directory-store.js';
import { resolveAuthority, type Authority, type IdentityState } from './identity-authority.js';
import { parseScopes } from './identity-scopes.js';

type AuthorizeParams = Record<string, string | undefined>;

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function registerAuthorizeRoutes(app: FastifyInstance, state: IdentityState): void {
  app.get<{ Params: { tenant: string }; Querystring: AuthorizeParams }>('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const checked = checkRequest(state, request.params.tenant, request.query, reply);
    if (!checked) return reply;
    if (request.query.prompt === 'none') {
      // The emulator keeps no browser session, so silent sign-in always needs interaction.
      return redirectBack(reply, request.query, { error: 'login_required', error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.' });
    }
    return page(reply, state, checked.client, request.query, request.query.login_hint ?? '', null);
  });

  app.post<{ Params: { tenant: string }; Body: AuthorizeParams }>('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const params = request.body ?? {};
    const checked = checkRequest(state, request.params.tenant, params, reply);
    if (!checked) return reply;
    if (params.action !== 'accept') {
      return redirectBack(reply, params, { error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' });
    }
    const login = params.login ?? '';
    const tenants = checked.authority.kind === 'tenant' ? [checked.authority.tenant.id] : undefined;
    const user = login ? state.store.findUserByLogin(login, tenants) : undefined;
    if (!user || user.userType === 'Guest') {
      const where = checked.authority.kind === 'tenant' ? checked.authority.tenant.displayName : 'any';
      return page(reply.code(400), state, checked.client, params, login, `AADSTS50034: The user account ${login} does not exist in the ${where} directory. To sign into this application, the account must be added to the directory.`);
    }
    if (!user.accountEnabled) return page(reply.code(400), state, checked.client, params, login, 'AADSTS50057: The user account is disabled.');
    if (!checked.client.multiTenant && user.tenantId !== checked.client.homeTenantId) {
      return page(reply.code(400), state, checked.client, params, login, `AADSTS50020: User account '${user.userPrincipalName}' does not exist in the tenant of the application '${checked.client.clientId}' (single-tenant app).`);
    }
    const code = state.grants.issueCode({
      clientId: checked.client.clientId,
      redirectUri: params.redirect_uri!,
      userId: user.id,
      tenantId: user.tenantId,
      scopes: (params.scope ?? '').split(/\s+/).filter(Boolean),
      codeChallenge: params.code_challenge,
      // "plain" is assumed when the method is omitted (auth-code flow doc).
      codeChallengeMethod: params.code_challenge ? (params.code_challenge_method === 'S256' ? 'S256' : 'plain') : undefined,
      nonce: params.nonce,
    });
    return redirectBack(reply, params, { code });
  });
}

/** Problems the identity platform shows on its own error page instead of redirecting (unknown app, bad redirect URI). */
function checkRequest(state: IdentityState, segment: string, params: AuthorizeParams, reply: FastifyReply): { client: AppRegistration; authority: Authority } | null {
  const authority = resolveAuthority(state.store, segment);
  if (!authority) return errorPage(reply, `AADSTS90002: Tenant '${segment}' not found.`);
  const client = params.client_id ? state.store.apps.get(params.client_id) : undefined;
  if (!client) return errorPage(reply, `AADSTS700016: Application with identifier '${params.client_id ?? ''}' was not found in the directory.`);
  if (!params.redirect_uri || !client.redirectUris.includes(params.redirect_uri)) {
    return errorPage(reply, `AADSTS50011: The redirect URI '${params.redirect_uri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`);
  }
  if (params.response_type !== 'code') {
    redirectBack(reply, params, { error: 'unsupported_response_type', error_description: 'AADSTS700054: response_type is not supported for the application.' });
    return null;
  }
  if (!parseScopes(params.scope)) {
    redirectBack(reply, params, { error: 'invalid_request', error_description: 'AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource.' });
    return null;
  }
  if (authority.kind === 'tenant' && !client.multiTenant && authority.tenant.id !== client.homeTenantId) {
    return errorPage(reply, `AADSTS700016: Application with identifier '${client.clientId}' was not found in the directory '${authority.tenant.displayName}'.`);
  }
  return { client, authority };
}

function errorPage(reply: FastifyReply, message: string): null {
  reply
    .code(400)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><head><title>Sign in error</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p id="error-message">${escape(message)}</p></body></html>`);
  return null;
}

/** Back to the app: query (default), fragment or an auto-submitting form_post. */
function redirectBack(reply: FastifyReply, params: AuthorizeParams, result: Record<string, string>) {
  const values: Record<string, string> = { ...result, ...(params.state !== undefined ? { state: params.state } : {}) };
  const mode = params.response_mode ?? 'query';
  if (mode === 'form_post') {
    const inputs = Object.entries(values).map(([k, v]) => `<input type="hidden" id="field-${escape(k)}" name="${escape(k)}" value="${escape(v)}">`).join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escape(params.redirect_uri!)}">${inputs}<noscript><button id="form-post-continue" type="submit">Continue</button></noscript></form></body></html>`);
  }
  const target = new URL(params.redirect_uri!);
  const encoded = new URLSearchParams(values).toString();
  if (mode === 'fragment') target.hash = encoded;
  else for (const [k, v] of Object.entries(values)) target.searchParams.set(k, v);
  return reply.redirect(target.toString(), 302);
}

function page(reply: FastifyReply, state: IdentityState, client: AppRegistration, params: AuthorizeParams, login: string, error: string | null) {
  const hidden = Object.entries(params)
    .filter(([k, v]) => v !== undefined && !['login', 'action'].includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v!)}">`)
    .join('');
  const scopes = (params.scope ?? '').split(/\s+/).filter(Boolean);
  // A few known accounts to pick from in the demo (the first users of the app's home tenant).
  const suggestions = state.store
    .users(client.homeTenantId)
    .slice(0, 20)
    .map((u) => `<option value="${escape(u.userPrincipalName)}">${escape(u.displayName)}</option>`)
    .join('');
  return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}button{margin-right:.5rem;padding:.4rem 1.2rem}.error{color:#a00}</style></head>
<body>
<h1>Microsoft (emulator)</h1>
<p><strong id="consent-app-name">${escape(client.displayName)}</strong> wants to sign you in and access:</p>
<ul id="consent-scopes">${scopes.map((s) => `<li>${escape(s)}</li>`).join('')}</ul>
${error ? `<p class="error" id="login-error">${escape(error)}</p>` : ''}
<form method="post" id="consent-form">
${hidden}
<label for="login-email">Email, phone, or Skype</label><br>
<input id="login-email" name="login" type="email" list="login-suggestions" value="${escape(login)}" autocomplete="username" style="width:100%"><br>
<datalist id="login-suggestions">${suggestions}</datalist>
<p><button id="consent-accept" type="submit" name="action" value="accept">Accept</button>
<button id="consent-cancel" type="submit" name="action" value="cancel" formnovalidate>Cancel</button></p>
</form>
</body></html>`);
}
