// The signing key of the identity emulator: one RSA key made at start, published as a JWKS and used to
// sign id tokens with RS256, as the identity platform does (https://learn.microsoft.com/en-us/entra/identity-platform/id-tokens).
import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The key as a JWK, as the `/discovery/v2.0/keys` document lists it. */
  jwk: Record<string, unknown>;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const exported = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const kid = createHash('sha256').update(exported.n).digest('base64url').slice(0, 27);
  // Real keys also carry x5c (a certificate chain); node:crypto cannot mint certificates, so it is left out.
  return { kid, privateKey, jwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: exported.n, e: exported.e } };
}

/** A compact JWS (RS256) over `claims`. */
export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: key.kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
