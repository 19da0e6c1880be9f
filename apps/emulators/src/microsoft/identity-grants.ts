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
  revoked: boolean;
}

/** Codes live about ten minutes (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response). */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export class GrantStore {
  private codes = new Map<string, AuthorizationCode>();
  private refreshTokens = new Map<string, RefreshGrant>();

  constructor(private readonly now: () => number) {}

  issueCode(code: Omit<AuthorizationCode, 'expiresAt' | 'redeemed'>, lifetimeMs = CODE_LIFETIME_MS): string {
    const value = `1.AQ${randomBytes(48).toString('base64url')}`;
    this.codes.set(value, { ...code, expiresAt: this.now() + lifetimeMs, redeemed: false });
    return value;
  }

  code(value: string): AuthorizationCode | undefined {
    return this.codes.get(value);
  }

  issueRefreshToken(grant: Omit<RefreshGrant, 'issuedAt' | 'revoked'>): string {
    const value = `1.AR${randomBytes(64).toString('base64url')}`;
    this.refreshTokens.set(value, { ...grant, issuedAt: this.now(), revoked: false });
    return value;
  }

  refreshToken(value: string): RefreshGrant | undefined {
    return this.refreshTokens.get(value);
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

/** PKCE check (RFC 7636 §4.6): S256 compares BASE64URL(SHA256(verifier)); plain compares as is. */
export function verifyPkce(code: AuthorizationCode, verifier: string | undefined): boolean {
  if (!code.codeChallenge) return true;
  if (!verifier) return false;
  if (code.codeChallengeMethod === 'S256') return createHash('sha256').update(verifier).digest('base64url') === code.codeChallenge;
  return verifier === code.codeChallenge;
}
