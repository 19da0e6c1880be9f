// Who may sign in and what they granted: registered OAuth clients, Google accounts, authorization
// codes, grants (refresh tokens) and access tokens. In memory; every token is an opaque random string.
import { createHash, randomBytes } from 'node:crypto';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Shown on the consent page ("… wants to access your Google Account"). */
  name: string;
}

export interface GoogleAccount {
  email: string;
  name: string;
  /** The stable account id (`sub` in an id_token / userinfo). */
  sub: string;
}

export interface AuthorizationCode {
  clientId: string;
  email: string;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  forceConsent: boolean;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  nonce?: string;
  expiresAt: number;
}

/** One consent of an account to a client; refresh tokens hang off it. */
export interface Grant {
  id: string;
  clientId: string;
  email: string;
  scopes: string[];
  refreshTokens: Set<string>;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  clientId: string;
  email: string;
  scopes: string[];
  grantId: string;
  expiresAt: number;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Code lifetime: Google's codes are short-lived and single-use (web-server flow doc); 10 minutes here. */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

/**
 * A refresh token stops working when "the user has not used the refresh token for six months"
 * (https://developers.google.com/identity/protocols/oauth2#expiration; apps in "Testing" status:
 * seven days). Measured on the emulator clock (POST /_emulator/clock).
 */
const SIX_MONTHS_SECONDS = 183 * 86_400;

export class OAuthStore {
  clients = new Map<string, OAuthClient>();
  accounts = new Map<string, GoogleAccount>();
  private codes = new Map<string, AuthorizationCode>();
  private grants = new Map<string, Grant>();
  private refreshIndex = new Map<string, Grant>();
  /** When each refresh token was issued or last redeemed. */
  private refreshLastUsed = new Map<string, number>();
  private accessTokens = new Map<string, AccessToken>();
  /** Unused for this long, a refresh token answers invalid_grant; tests may shorten it. */
  refreshTokenLifetimeSeconds = SIX_MONTHS_SECONDS;

  constructor(
    private readonly now: () => number,
    readonly accessTokenLifetimeSeconds: number,
  ) {}

  addClient(client: Partial<OAuthClient> & { clientId: string }): OAuthClient {
    const full: OAuthClient = {
      clientSecret: `GOCSPX-${random(21)}`,
      redirectUris: [],
      name: 'Switchboard',
      ...client,
    };
    this.clients.set(full.clientId, full);
    return full;
  }

  addAccount(account: { email: string; name?: string }): GoogleAccount {
    const email = account.email.toLowerCase();
    const existing = this.accounts.get(email);
    if (existing) return existing;
    const sub = BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 15)}`).toString().padStart(21, '1');
    const full = { email, name: account.name ?? email.split('@')[0], sub };
    this.accounts.set(email, full);
    return full;
  }

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    // Real codes look like `4/P7q7W91a-oMsCeLvIaQm6bTrgtp7` (web-server flow doc).
    const value = `4/0${random(30)}`;
    this.codes.set(value, { ...code, expiresAt: this.now() + CODE_LIFETIME_MS });
    return value;
  }

  /** Take a code out (codes are single-use: a second exchange fails with invalid_grant). */
  consumeCode(value: string): AuthorizationCode | null {
    const code = this.codes.get(value);
    if (!code) return null;
    this.codes.delete(value);
    return code.expiresAt > this.now() ? code : null;
  }

  /** The live grant of an account to a client, if it consented before and did not revoke. */
  liveGrant(clientId: string, email: string): Grant | undefined {
    return [...this.grants.values()].find((g) => !g.revoked && g.clientId === clientId && g.email === email);
  }

  grantFor(clientId: string, email: string, scopes: string[]): Grant {
    const existing = this.liveGrant(clientId, email);
    if (existing) {
      existing.scopes = [...new Set([...existing.scopes, ...scopes])];
      return existing;
    }
    const grant: Grant = { id: random(12), clientId, email, scopes, refreshTokens: new Set(), revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  issueRefreshToken(grant: Grant): string {
    const token = `1//0${random(60)}`;
    grant.refreshTokens.add(token);
    this.refreshIndex.set(token, grant);
    this.refreshLastUsed.set(token, this.now());
    return token;
  }

  /** The live grant behind a refresh token, counting this as a use; null when revoked or unused too long. */
  grantOfRefreshToken(token: string): Grant | null {
    const grant = this.refreshIndex.get(token);
    if (!grant || grant.revoked) return null;
    if ((this.refreshLastUsed.get(token) ?? 0) + this.refreshTokenLifetimeSeconds * 1000 <= this.now()) return null;
    this.refreshLastUsed.set(token, this.now());
    return grant;
  }

  issueAccessToken(grant: Grant, scopes = grant.scopes): AccessToken {
    const token = `ya29.a0${random(90)}`;
    const access = {
      token,
      clientId: grant.clientId,
      email: grant.email,
      scopes,
      grantId: grant.id,
      expiresAt: this.now() + this.accessTokenLifetimeSeconds * 1000,
    };
    this.accessTokens.set(token, access);
    return access;
  }

  /** The access token behind `Authorization: Bearer …`, or null when unknown, expired or revoked. */
  verify(authorization: string | undefined): AccessToken | null | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const access = this.accessTokens.get(match[1]);
    if (!access || access.expiresAt <= this.now()) return null;
    const grant = this.grants.get(access.grantId);
    return grant && !grant.revoked ? access : null;
  }

  /**
   * Revoke by access or refresh token: "If the token is an access token and it has a corresponding
   * refresh token, the refresh token will also be revoked."
   * https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke
   */
  revokeToken(token: string): boolean {
    const grant = this.refreshIndex.get(token) ?? this.grants.get(this.accessTokens.get(token)?.grantId ?? '');
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  /** Control: the user removed the app's access (or the tokens expired) — every refresh now fails. */
  revokeGrants(filter: { email?: string; clientId?: string } = {}): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.revoked) continue;
      if (filter.email && grant.email !== filter.email.toLowerCase()) continue;
      if (filter.clientId && grant.clientId !== filter.clientId) continue;
      grant.revoked = true;
      count += 1;
    }
    return count;
  }

  /** Control: every access token (optionally of one account) expires now, so clients must refresh. */
  expireAccessTokens(filter: { email?: string } = {}): number {
    let count = 0;
    for (const access of this.accessTokens.values()) {
      if (filter.email && access.email !== filter.email.toLowerCase()) continue;
      access.expiresAt = 0;
      count += 1;
    }
    return count;
  }

  reset(): void {
    this.clients.clear();
    this.accounts.clear();
    this.codes.clear();
    this.grants.clear();
    this.refreshIndex.clear();
    this.refreshLastUsed.clear();
    this.accessTokens.clear();
  }
}
