import t from 'tap';
import { parseOptions } from '@node-rs/argon2';
import { createTestDatabase, seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { createUser } from './users.js';
import { LoginRefused, verifyLogin } from './login.js';
import { hashPassword, standInPasswordHash, verifyPassword } from './passwords.js';
import { createSignInPolicy, type SignInAttempt } from './sign-in-policy.js';

const database = await createTestDatabase();
t.teardown(database.close);
const db = database.db;
const tenant = await seedTenant(db, 'login-svc');
const ssoOnly = await createUser(db, tenant.tenantId, { email: 'sso-only@login-svc.test', displayName: 'SSO only', userType: 'internal', roleNames: [] });
await db.updateTable('users').set({ is_active: false }).where('id', '=', tenant.viewer.id).execute();
// No rule registered: these tests are about passwords; the policy has its own below.
const signInPolicy = createSignInPolicy();

/** The real verifier, counted: every refusal must cost exactly one argon2 verify, like a wrong password. */
function countedVerifier() {
  const calls: (string | null)[] = [];
  return {
    calls,
    verifyPassword: async (passwordHash: string | null, password: string) => {
      calls.push(passwordHash);
      return verifyPassword(passwordHash, password);
    },
  };
}

t.test('every refusal verifies a password hash exactly once, whether or not the account exists', async (t) => {
  const cases = [
    { name: 'wrong password', email: tenant.technician.email, hasHash: true },
    { name: 'unknown account', email: 'nobody@login-svc.test', hasHash: false },
    { name: 'disabled account', email: tenant.viewer.email, hasHash: true },
    { name: 'account without a password', email: ssoOnly.email, hasHash: false },
  ];
  for (const c of cases) {
    const counted = countedVerifier();
    const password = c.name === 'disabled account' ? TEST_PASSWORD : 'wrong-password-123';
    await t.rejects(verifyLogin({ db, verifyPassword: counted.verifyPassword, signInPolicy }, c.email, password), LoginRefused, c.name);
    t.equal(counted.calls.length, 1, `${c.name}: one verify`);
    // No hash means passwords.ts verifies against its stand-in hash instead.
    t.equal(counted.calls[0] !== null, c.hasHash, `${c.name}: verified against ${c.hasHash ? 'the stored' : 'the stand-in'} hash`);
  }
});

t.test('a refusal names the account to audit only when one exists', async (t) => {
  const deps = { db, verifyPassword, signInPolicy };
  const known = await verifyLogin(deps, tenant.technician.email, 'wrong-password-123').catch((e: LoginRefused) => e);
  t.same((known as LoginRefused).account, { tenantId: tenant.tenantId, userId: tenant.technician.id });
  const unknown = await verifyLogin(deps, 'nobody@login-svc.test', 'wrong-password-123').catch((e: LoginRefused) => e);
  t.equal((unknown as LoginRefused).account, null);
  t.equal((unknown as LoginRefused).message, (known as LoginRefused).message);
});

t.test('the right password signs in with one verify', async (t) => {
  const counted = countedVerifier();
  const who = await verifyLogin({ db, verifyPassword: counted.verifyPassword, signInPolicy }, tenant.technician.email.toUpperCase(), TEST_PASSWORD);
  t.same(who, { userId: tenant.technician.id, tenantId: tenant.tenantId });
  t.equal(counted.calls.length, 1);
});

t.test('the stand-in hash has the same argon2 parameters as a stored password, so it costs the same to verify', async (t) => {
  const stored = parseOptions(await hashPassword('some password of a user'));
  const standIn = parseOptions(await standInPasswordHash);
  t.same(standIn, stored);
  t.equal(await verifyPassword(null, ''), false, 'no password ever matches the stand-in');
});

t.test('the sign-in policy is asked only after the password checked out, and its refusal is the answer', async (t) => {
  const policy = createSignInPolicy();
  const asked: SignInAttempt[] = [];
  policy.register(async (_db, attempt) => {
    asked.push(attempt);
    return null;
  });
  policy.register(async (_db, attempt) => (attempt.userType === 'internal' ? 'Use "Sign in with Microsoft" for this address.' : null));
  const counted = countedVerifier();
  const deps = { db, verifyPassword: counted.verifyPassword, signInPolicy: policy };

  await t.rejects(verifyLogin(deps, tenant.technician.email, 'wrong-password-123'), LoginRefused, 'a wrong password is refused as before');
  await t.rejects(verifyLogin(deps, tenant.viewer.email, TEST_PASSWORD), LoginRefused, 'a disabled account is refused as before');
  t.same(asked, [], 'the policy was not asked about attempts that failed the password');

  const refused = await verifyLogin(deps, ` ${tenant.technician.email.toUpperCase()} `, TEST_PASSWORD).catch((e: Error & { statusCode?: number }) => e);
  t.match(refused, { statusCode: 403, message: 'Use "Sign in with Microsoft" for this address.' });
  t.same(asked, [{ tenantId: tenant.tenantId, userId: tenant.technician.id, email: tenant.technician.email, userType: 'internal' }], 'asked with the normalized address');
  t.equal(counted.calls.length, 3, 'still one verify per attempt');

  t.same(await verifyLogin(deps, tenant.clientUser.email, TEST_PASSWORD), { userId: tenant.clientUser.id, tenantId: tenant.tenantId }, 'a check that allows lets the user in');
});
