// OpenID Connect id_tokens so a product can learn which Google account connected (scope `openid
// email`). Signed RS256 with a key made at start-up and published like Google's own certificate
// endpoints (https://www.googleapis.com/oauth2/v1/certs PEM map, /oauth2/v3/certs JWKS).
import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { GoogleAccount } from './oauth-store.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class IdTokenSigner {
  readonly kid = randomBytes(20).toString('hex');
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  /**
   * Claims of https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload.
   * `iss` is Google's, so google-auth-library's verifyIdToken accepts it unchanged.
   */
  sign(input: { account: GoogleAccount; clientId: string; scopes: string[]; accessToken: string; nonce?: string; nowMs: number }): string {
    const iat = Math.floor(input.nowMs / 1000);
    const digest = createHash('sha256').update(input.accessToken).digest();
    const claims = {
      iss: 'https://accounts.google.com',
      azp: input.clientId,
      aud: input.clientId,
      sub: input.account.sub,
      ...(input.scopes.includes('email') || input.scopes.some((s) => s.endsWith('userinfo.email'))
        ? { email: input.account.email, email_verified: true }
        : {}),
      at_hash: digest.subarray(0, digest.length / 2).toString('base64url'),
      ...(input.scopes.includes('profile') ? { name: input.account.name } : {}),
      ...(input.nonce ? { nonce: input.nonce } : {}),
      iat,
      exp: iat + 3600,
    };
    const unsigned = `${b64({ alg: 'RS256', kid: this.kid, typ: 'JWT' })}.${b64(claims)}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.keys.privateKey).toString('base64url');
    return `${unsigned}.${signature}`;
  }

  pemCerts(): Record<string, string> {
    return { [this.kid]: this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }

  jwks(): { keys: unknown[] } {
    return { keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }
}
