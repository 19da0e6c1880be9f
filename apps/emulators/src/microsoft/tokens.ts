// Access tokens issued by the identity emulator and checked by the Graph emulator. They are opaque
// to clients (real Graph tokens are JWTs a client must not parse), so a random string is enough.
import { randomBytes } from 'node:crypto';

export interface AccessTokenClaims {
  /** Directory (tenant) id the token was issued for. */
  tenantId: string;
  /** Application (client) id that asked for it. */
  clientId: string;
  /** Delegated tokens: the signed-in user's object id. Absent for client-credentials tokens. */
  userId?: string;
  scopes: string[];
  /** Resource the token is for (`https://graph.microsoft.com`, `api://{appId}`); absent means Graph. */
  audience?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export class TokenRegistry {
  private tokens = new Map<string, AccessTokenClaims>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(claims: Omit<AccessTokenClaims, 'expiresAt'>, lifetimeSeconds = 3600): { token: string; expiresIn: number } {
    const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.emulator`;
    this.tokens.set(token, { ...claims, expiresAt: this.now() + lifetimeSeconds * 1000 });
    return { token, expiresIn: lifetimeSeconds };
  }

  /** The claims behind an `Authorization: Bearer …` header, or null when missing, unknown or expired. */
  verify(authorization: string | undefined): AccessTokenClaims | null {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return null;
    const claims = this.tokens.get(match[1]);
    if (!claims || claims.expiresAt <= this.now()) return null;
    return claims;
  }

  /** Expire every access token (what a test does to force a refresh). */
  expireAll(): void {
    for (const claims of this.tokens.values()) claims.expiresAt = 0;
  }

  /** Revoke access tokens of one user (or every token of a tenant when userId is absent). */
  revoke(tenantId: string, userId?: string): void {
    for (const [token, claims] of this.tokens) {
      if (claims.tenantId === tenantId && (userId === undefined || claims.userId === userId)) this.tokens.delete(token);
    }
  }

  reset(): void {
    this.tokens.clear();
  }
}
