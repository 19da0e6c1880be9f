// Password hashing with argon2id (@node-rs/argon2 ships prebuilt binaries, no install script), and
// the one strength rule every way of setting a password goes through (create, change, reset, CLI).
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';
import { BadRequest } from '../errors.js';

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's 0–4 scale; 3 is "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;

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

let estimator: ZxcvbnFactory | undefined;
const strengthEstimator = () =>
  (estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
  }));

/** Whose password it is: their email and name count as easy guesses. */
export interface PasswordOwner {
  email: string;
  displayName: string;
}

/** The problem with a new password in plain words, or null when it is strong enough. */
export function passwordProblem(password: string, owner: PasswordOwner): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const email = owner.email.trim().toLowerCase();
  const inputs = [email, email.split('@')[0], ...email.split('@')[0].split(/[._+-]/), owner.displayName, ...owner.displayName.split(/\s+/)].filter(
    (s) => s.length >= 3,
  );
  const result = strengthEstimator().check(password, inputs);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess.${advice ? ` ${advice}` : ''} A few uncommon words together make a strong password.`;
}

/** Throws a 400 naming `field` when the password is too short or too easy to guess. */
export function assertStrongPassword(password: string, owner: PasswordOwner, field = 'password'): void {
  const problem = passwordProblem(password, owner);
  if (problem) throw BadRequest.field(field, problem);
}

/** A password for someone who will be shown it once: 24 random characters, far past any guessing. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
