// Password hashing with argon2id (@node-rs/argon2 ships prebuilt binaries, no install script).
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * What an account without a password (unknown, or Microsoft-only) is verified against, so every
 * refusal costs one argon2 verify of the same parameters and timing does not reveal which emails
 * have accounts. Made by hashPassword itself, so its parameters cannot drift from stored hashes;
 * started at load, so the first unknown email does not pay for a hash as well.
 */
export const standInPasswordHash: Promise<string> = hashPassword(randomBytes(32).toString('base64url'));

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await standInPasswordHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
