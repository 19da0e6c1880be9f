// Authorization codes and refresh tokens the identity emulator has handed out.
import { createHash, randomBytes } from 'node:crypto';

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  /** The user's home tenant: the tenant the code's tokens are for. */
  tenantId: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  clientId: string;
  userId: string;
  scopes: string[];
  issuedAt: number;
  /** Issued or last redeemed: inactivity is measured from here. */
  lastUsedAt: number;
  revoked: boolean;
}

/**
 * Refresh tokens of web apps expire after 90 days of inactivity (AADSTS700082); SPAs' after 24 h
 * (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime).
 */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 90 * 86_400;

/** Codes live about ten minutes (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response). */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export class GrantStore {
  private codes = new Map<string, AuthorizationCode>();
  private refreshTokens = new Map<string, RefreshGrant>();
  /** Tests may shorten it; measured on the emulator clock (POST /_emulator/clock). */
  refreshTokenLifetimeSeconds = REFRESH_TOKEN_LIFETIME_SECONDS;

  constructor(private readonly now: () => number) {}

  issueCode(code: Omit<AuthorizationCode, 'expiresAt' | 'redeemed'>, lifetimeMs = CODE_LIFETIME_MS): string {
    const value = `1.AQ${randomBytes(48).toString('base64url')}`;
    this.codes.set(value, { ...code, expiresAt: this.now() + lifetimeMs, redeemed: false });
    return value;
  }

  code(value: string): AuthorizationCode | undefined {
    return this.codes.get(value);
  }

  issueRefreshToken(grant: Omit<RefreshGrant, 'issuedAt' | 'lastUsedAt' | 'revoked'>): string {
    const value = `1.AR${randomBytes(64).toString('base64url')}`;
    this.refreshTokens.set(value, { ...grant, issuedAt: this.now(), lastUsedAt: this.now(), revoked: false });
    return value;
  }

  refreshToken(value: string): RefreshGrant | undefined {
    return this.refreshTokens.get(value);
  }

  /** Milliseconds the token has been unused, when past its lifetime; null while it is alive. */
  inactivity(grant: RefreshGrant): number | null {
    const idle = this.now() - grant.lastUsedAt;
    return idle >= this.refreshTokenLifetimeSeconds * 1000 ? idle : null;
  }

  /** A redemption keeps the token alive (the caller should still switch to the new one it gets). */
  markUsed(grant: RefreshGrant): void {
    grant.lastUsedAt = this.now();
  }

  /** What revokeSignInSessions does: every refresh token of the user stops working. */
  revokeUser(userId: string): number {
    let revoked = 0;
    for (const grant of this.refreshTokens.values()) {
      if (grant.userId === userId && !grant.revoked) {
        grant.revoked = true;
        revoked++;
      }
    }
    return revoked;
  }

  /** Age every code past its lifetime (tests of the expired-code error). */
  expireCodes(): void {
    for (const code of this.codes.values()) code.expiresAt = 0;
  }

  reset(): void {
    this.codes.clear();
    this.refreshTokens.clear();
  }
}

/** A .NET TimeSpan as AADSTS700082 prints it: `90.00:00:00` (days.hours:minutes:seconds). */
export function timeSpan(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
  const days = Math.floor(total / 86_400);
  return days > 0 ? `${days}.${clock}` : clock;
}

/** PKCE check (RFC 7636 §4.6): S256 compares BASE64URL(SHA256(verifier)); plain compares as is. */
export function verifyPkce(code: AuthorizationCode, verifier: string | undefined): boolean {
  if (!code.codeChallenge) return true;
  if (!verifier) return false;
  if (code.codeChallengeMethod === 'S256') return createHash('sha256').update(verifier).digest('base64url') === code.codeChallenge;
  return verifier === code.codeChallenge;
}
