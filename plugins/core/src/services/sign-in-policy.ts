// Sign-in policy: rules other plugins add to password sign-in (e.g. "this domain signs in with
// Microsoft"). Core owns the seam and asks every registered check after the password checked out;
// each plugin answers from its own tables, so core never reads them.
import type { Db } from '../tenancy.js';

/** Who is signing in with a correct password. */
export interface SignInAttempt {
  tenantId: string;
  userId: string;
  email: string;
  userType: 'internal' | 'client';
}

/** Null to allow; otherwise the sentence that tells the person how to sign in instead. */
export type SignInCheck = (db: Db, attempt: SignInAttempt) => Promise<string | null>;

export interface SignInPolicy {
  register(check: SignInCheck): void;
  /** The first refusal of the registered checks, or null when all allow. */
  refusal(db: Db, attempt: SignInAttempt): Promise<string | null>;
}

export function createSignInPolicy(): SignInPolicy {
  const checks: SignInCheck[] = [];
  return {
    register: (check) => {
      checks.push(check);
    },
    async refusal(db, attempt) {
      for (const check of checks) {
        const refused = await check(db, attempt);
        if (refused) return refused;
      }
      return null;
    },
  };
}
