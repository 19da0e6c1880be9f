// The authorization endpoint (accounts.google.com/o/oauth2/v2/auth): consent page, then a redirect
// back with `code` + `state`, or `error=access_denied`.
// https://developers.google.com/identity/protocols/oauth2/web-server#creatingclient
import type { FastifyInstance, FastifyReply } from 'fastify';
import { consentPage, errorPage } from './consent-page.js';
import type { GoogleContext } from './context.js';
import type { OAuthClient } from './oauth-store.js';
import { seedAccount } from './seeding.js';

type Params = Record<string, string | undefined>;
/** The request parameters a consent page carries through to the decision. */
const CARRIED = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'access_type', 'prompt', 'login_hint', 'code_challenge', 'code_challenge_method', 'nonce', 'include_granted_scopes'];

type Checked = { ok: true; client: OAuthClient; redirectUri: string; scopes: string[] } | { ok: false; send: (reply: FastifyReply) => FastifyReply };

function redirectWith(redirectUri: string, values: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(values)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Problems with the client or redirect URI get an error page; the others go back to the app. */
function check(context: GoogleContext, params: Params): Checked {
  const page = (code: number, error: string, detail: string): Checked => ({
    ok: false,
    send: (reply) => reply.code(code).type('text/html; charset=utf-8').send(errorPage(code, error, detail)),
  });
  const client = context.oauth.clients.get(params.client_id ?? '');
  if (!client) return page(401, 'invalid_client', 'The OAuth client was not found.');
  const redirectUri = params.redirect_uri ?? '';
  if (!client.redirectUris.includes(redirectUri)) {
    return page(400, 'redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`);
  }
  const back = (error: string, description: string): Checked => ({
    ok: false,
    send: (reply) => reply.redirect(redirectWith(redirectUri, { error, error_description: description, state: params.state }), 302),
  });
  if (params.response_type !== 'code') return back('unsupported_response_type', `Invalid response_type: ${params.response_type ?? ''}`);
  if (!params.scope?.trim()) return page(400, 'invalid_request', 'Missing required parameter: scope');
  if (params.code_challenge_method && !params.code_challenge) return page(400, 'invalid_request', 'code_challenge_method requires code_challenge');
  if (params.code_challenge && !['S256', 'plain', undefined].includes(params.code_challenge_method)) {
    return page(400, 'invalid_request', `Invalid code_challenge_method: ${params.code_challenge_method}`);
  }
  return { ok: true, client, redirectUri, scopes: params.scope.trim().split(/\s+/) };
}

export function registerAuthorizeRoutes(app: FastifyInstance, context: GoogleContext): void {
  const issue = (reply: FastifyReply, params: Params, checked: Extract<Checked, { ok: true }>, email: string) => {
    const prompt = (params.prompt ?? '').split(/\s+/);
    const code = context.oauth.issueCode({
      clientId: checked.client.clientId,
      email,
      redirectUri: checked.redirectUri,
      scopes: checked.scopes,
      // "the refresh token is only returned if your application set the access_type parameter to offline".
      offline: params.access_type === 'offline',
      forceConsent: prompt.includes('consent'),
      ...(params.code_challenge
        ? { codeChallenge: params.code_challenge, codeChallengeMethod: (params.code_challenge_method ?? 'plain') as 'S256' | 'plain' }
        : {}),
      ...(params.nonce ? { nonce: params.nonce } : {}),
    });
    return reply.redirect(redirectWith(checked.redirectUri, { state: params.state, code, scope: checked.scopes.join(' '), authuser: '0', prompt: 'consent' }), 302);
  };

  app.get<{ Querystring: Params }>('/o/oauth2/v2/auth', async (request, reply) => {
    const params = request.query;
    const checked = check(context, params);
    if (!checked.ok) return checked.send(reply);
    // prompt=none: "Do not display any authentication or consent screens" — succeed only for an
    // account that already granted these scopes, else `consent_required`/`login_required`.
    if ((params.prompt ?? '').split(/\s+/).includes('none')) {
      const accounts = [...context.oauth.accounts.values()];
      const email = params.login_hint?.toLowerCase() ?? (accounts.length === 1 ? accounts[0].email : undefined);
      if (!email) return reply.redirect(redirectWith(checked.redirectUri, { error: 'login_required', state: params.state }), 302);
      const grant = context.oauth.liveGrant(checked.client.clientId, email);
      if (!grant || !checked.scopes.every((s) => grant.scopes.includes(s))) {
        return reply.redirect(redirectWith(checked.redirectUri, { error: 'consent_required', state: params.state }), 302);
      }
      return issue(reply, params, checked, email);
    }
    const carried = Object.fromEntries(CARRIED.filter((k) => params[k] !== undefined).map((k) => [k, params[k]!]));
    return reply.type('text/html; charset=utf-8').send(
      consentPage({
        clientName: checked.client.name,
        scopes: checked.scopes,
        accounts: [...context.oauth.accounts.values()],
        ...(params.login_hint ? { loginHint: params.login_hint } : {}),
        params: carried,
      }),
    );
  });

  app.post<{ Body: Params }>('/o/oauth2/v2/auth/decision', async (request, reply) => {
    const params = request.body ?? {};
    const checked = check(context, params);
    if (!checked.ok) return checked.send(reply);
    if (params.decision !== 'allow') {
      return reply.redirect(redirectWith(checked.redirectUri, { error: 'access_denied', state: params.state }), 302);
    }
    const email = (params.email?.trim() || params.account || '').toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      const carried = Object.fromEntries(CARRIED.filter((k) => params[k] !== undefined).map((k) => [k, params[k]!]));
      return reply.code(400).type('text/html; charset=utf-8').send(
        consentPage({ clientName: checked.client.name, scopes: checked.scopes, accounts: [...context.oauth.accounts.values()], params: carried, error: 'Choose an account or enter a valid email address.' }),
      );
    }
    // Any email can sign in; a new one becomes an account with an empty primary calendar.
    seedAccount(context, { email });
    return issue(reply, params, checked, email);
  });
}
