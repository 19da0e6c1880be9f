// "Sign in with Microsoft" for MSP staff. Discovery says whether an address can use it without
// touching users (so it reveals nothing about who has an account); the flow uses the profile bound
// to `msp_sso` for the tenant owning the verified domain, PKCE, a stored single-use state tied to
// the browser by a cookie, and a nonce. The callback signs in only an existing, active, internal
// user of that tenant whose Microsoft address is in that domain.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { CryptoProvider, ResponseMode } from '@azure/msal-node';
import { Conflict, forTenant, type Db } from '@switchboard/core';
import { confidentialClient } from '../services/msal.js';
import type { MicrosoftCredentials } from '../services/resolver.js';

export const STATE_TTL_MS = 10 * 60_000;
export const CALLBACK_PATH = '/api/auth/msp/sso/callback';
const SCOPES = ['openid', 'profile', 'email'];

/** Why a sign-in was refused; the sign-in page shows a fixed message for each (never text from the URL). */
export type SsoRefusal =
  | 'not_available'
  | 'state_missing'
  | 'state_mismatch'
  | 'state_used'
  | 'state_expired'
  | 'cancelled'
  | 'provider_error'
  | 'config_changed'
  | 'token_failed'
  | 'domain_disabled'
  | 'wrong_domain'
  | 'no_account'
  | 'client_user'
  | 'account_disabled';

export class SsoRefused extends Error {
  constructor(readonly reason: SsoRefusal) {
    super(`MSP SSO sign-in refused: ${reason}`);
  }
}

export interface SsoDeps {
  db: Db;
  resolveProfile(tenantId: string, consumer: 'msp_sso'): Promise<MicrosoftCredentials | null>;
  loginUrl: string;
  publicUrl: string;
  now?: () => Date;
}

const hash = (value: string) => createHash('sha256').update(value).digest();
const domainOf = (email: string) => email.trim().toLowerCase().split('@')[1] ?? '';

/**
 * The verified domain of an address and whether its tenant's msp_sso binding is usable (bound to an
 * active profile that has a client secret); one query whatever the address. Discovery, sign-in and
 * the password sign-in policy all decide from this, so they agree.
 */
export async function verifiedDomain(db: Db, email: string) {
  const row = await db
    .selectFrom('msp_sso_login_domains as d')
    .leftJoin('microsoft_profile_consumer_bindings as b', (j) => j.onRef('b.tenant_id', '=', 'd.tenant_id').on('b.consumer', '=', 'msp_sso'))
    .leftJoin('microsoft_profiles as p', (j) => j.onRef('p.tenant_id', '=', 'b.tenant_id').onRef('p.id', '=', 'b.profile_id').on('p.is_archived', '=', false))
    // The secret's name as clientSecretName() builds it.
    .leftJoin('tenant_secrets as s', (j) => j.onRef('s.tenant_id', '=', 'p.tenant_id').on('s.name', '=', sql<string>`'microsoft_profile:' || p.id || ':client_secret'`))
    .select(['d.id', 'd.tenant_id', 'd.domain', 'd.sso_required', 's.name as secret_name'])
    .where(sql`lower(d.domain)`, '=', domainOf(email))
    .where('d.status', '=', 'verified')
    .executeTakeFirst();
  if (!row) return null;
  const { secret_name, ...domain } = row;
  return { ...domain, microsoftAvailable: secret_name !== null };
}

export type MspSsoReadiness = { ready: true; profileId: string } | { ready: false; message: string };

/**
 * Whether the tenant's msp_sso binding can sign anyone in: bound to an active profile with a client
 * secret. Holds a share lock on the binding until the transaction ends, so a concurrent clear or
 * rebind (which locks it for update, then reads the required domains) waits and then sees the
 * requirement this transaction sets.
 */
export async function mspSsoReadiness(trx: Transaction<Database>, tenantId: string): Promise<MspSsoReadiness> {
  const binding = await forTenant(trx, tenantId).selectFrom('microsoft_profile_consumer_bindings').select('profile_id').where('consumer', '=', 'msp_sso').forShare().executeTakeFirst();
  const notReady = (why: string) => ({ ready: false as const, message: `${why} Bind a profile with a client secret to MSP sign-in first.` });
  if (!binding) return notReady('MSP single sign-on is not bound to a Microsoft profile.');
  const profile = await trx
    .selectFrom('microsoft_profiles as p')
    .leftJoin('tenant_secrets as s', (j) => j.onRef('s.tenant_id', '=', 'p.tenant_id').on('s.name', '=', sql<string>`'microsoft_profile:' || p.id || ':client_secret'`))
    .select(['p.display_name', 'p.is_archived', 's.name as secret_name'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.id', '=', binding.profile_id)
    .executeTakeFirstOrThrow();
  if (profile.is_archived) return notReady(`The profile "${profile.display_name}" bound to MSP single sign-on is archived.`);
  if (profile.secret_name === null) return notReady(`The profile "${profile.display_name}" bound to MSP single sign-on has no client secret.`);
  return { ready: true, profileId: binding.profile_id };
}

/** Refuses (409, code msp_sso_not_ready) to require Microsoft sign-in while it could not sign anyone in. */
export async function assertMspSsoReady(trx: Transaction<Database>, tenantId: string): Promise<void> {
  const readiness = await mspSsoReadiness(trx, tenantId);
  if (!readiness.ready) throw new Conflict(readiness.message, { code: 'msp_sso_not_ready' });
}

async function ssoDomain(db: Db, email: string) {
  const domain = await verifiedDomain(db, email);
  return domain?.microsoftAvailable ? domain : null;
}

/**
 * Same shape for every address; an unknown domain, user or tenant is indistinguishable from "not set up".
 * A domain that requires Microsoft sign-in while it is unavailable allows passwords again (no lockout).
 */
export async function discover(db: Db, email: string): Promise<{ microsoft: boolean; passwordAllowed: boolean }> {
  const domain = await ssoDomain(db, email);
  return { microsoft: domain !== null, passwordAllowed: !domain?.sso_required };
}

/** Stores a new state and returns the Microsoft authorize URL to send the browser to. */
export async function startSignIn(deps: SsoDeps, email: string): Promise<{ redirectUrl: string; state: string }> {
  const domain = await ssoDomain(deps.db, email);
  if (!domain) throw new SsoRefused('not_available');
  const credentials = await deps.resolveProfile(domain.tenant_id, 'msp_sso');
  if (!credentials) throw new SsoRefused('not_available');
  const state = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const pkce = await new CryptoProvider().generatePkceCodes();
  const now = deps.now?.() ?? new Date();
  await forTenant(deps.db, domain.tenant_id)
    .insertInto('msp_sso_states', {
      state_hash: hash(state).toString('hex'),
      domain_id: domain.id,
      profile_id: credentials.profileId,
      login_hint: email.trim().toLowerCase(),
      code_verifier: pkce.verifier,
      nonce,
      expires_at: new Date(now.getTime() + STATE_TTL_MS),
    })
    .execute();
  const redirectUrl = await confidentialClient(credentials, deps.loginUrl).getAuthCodeUrl({
    scopes: SCOPES,
    redirectUri: `${deps.publicUrl}${CALLBACK_PATH}`,
    responseMode: ResponseMode.QUERY,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    // No prompt=select_account: msal drops login_hint with it, and the hint carries the typed address over.
    loginHint: email.trim(),
  });
  return { redirectUrl, state };
}

export interface CallbackInput {
  state?: string;
  /** The state this browser was given at start (from its cookie). */
  browserState?: string;
  code?: string;
  error?: string;
}

/** Checks the callback and returns the user to sign in, or throws SsoRefused. Writes only the state's consumption. */
export async function completeSignIn(deps: SsoDeps, input: CallbackInput): Promise<{ tenantId: string; userId: string }> {
  if (!input.state) throw new SsoRefused('state_missing');
  if (!input.browserState || !timingSafeEqual(hash(input.state), hash(input.browserState))) throw new SsoRefused('state_mismatch');
  const row = await deps.db
    .updateTable('msp_sso_states')
    .set({ consumed_at: sql`now()` })
    .where('state_hash', '=', hash(input.state).toString('hex'))
    .where('consumed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new SsoRefused('state_used');
  if (row.expires_at.getTime() <= (deps.now?.() ?? new Date()).getTime()) throw new SsoRefused('state_expired');
  if (input.error) throw new SsoRefused(input.error === 'access_denied' ? 'cancelled' : 'provider_error');
  if (!input.code) throw new SsoRefused('provider_error');

  const credentials = await deps.resolveProfile(row.tenant_id, 'msp_sso');
  if (!credentials || credentials.profileId !== row.profile_id) throw new SsoRefused('config_changed');
  let claims: Record<string, unknown>;
  try {
    const result = await confidentialClient(credentials, deps.loginUrl).acquireTokenByCode({
      code: input.code,
      scopes: SCOPES,
      redirectUri: `${deps.publicUrl}${CALLBACK_PATH}`,
      codeVerifier: row.code_verifier,
      nonce: row.nonce,
    });
    claims = (result?.idTokenClaims ?? {}) as Record<string, unknown>;
  } catch {
    throw new SsoRefused('token_failed');
  }
  if (claims.nonce !== row.nonce) throw new SsoRefused('token_failed');

  const domain = await forTenant(deps.db, row.tenant_id)
    .selectFrom('msp_sso_login_domains')
    .select('domain')
    .where('id', '=', row.domain_id)
    .where('status', '=', 'verified')
    .executeTakeFirst();
  if (!domain) throw new SsoRefused('domain_disabled');
  const email = String(claims.preferred_username ?? claims.email ?? '').trim().toLowerCase();
  if (!email.includes('@') || domainOf(email) !== domain.domain.toLowerCase()) throw new SsoRefused('wrong_domain');
  const user = await forTenant(deps.db, row.tenant_id)
    .selectFrom('users')
    .select(['id', 'user_type', 'is_active'])
    .where(sql`lower(email)`, '=', email)
    .executeTakeFirst();
  if (!user) throw new SsoRefused('no_account');
  if (user.user_type !== 'internal') throw new SsoRefused('client_user');
  if (!user.is_active) throw new SsoRefused('account_disabled');
  return { tenantId: row.tenant_id, userId: user.id };
}

/** Sign-in attempts older than a day (used or not) are of no further use. */
export async function deleteStaleSsoStates(db: Db): Promise<number> {
  const result = await db.deleteFrom('msp_sso_states').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
