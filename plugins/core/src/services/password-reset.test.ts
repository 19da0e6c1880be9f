import t from 'tap';
import { createHash } from 'node:crypto';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { issuePasswordLink, LINK_EXPIRED, redeemPasswordLink } from './password-reset.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'reset');
const NEW_PASSWORD = 'marble quokka harbour tulip';

const issue = (userId = tenant.technician.id, purpose: 'reset' | 'invitation' = 'reset') =>
  db.transaction().execute((trx) => issuePasswordLink(trx, { tenantId: tenant.tenantId, userId, issuedBy: tenant.admin.id, purpose }));
const redeem = (token: string, password = NEW_PASSWORD) => app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { token, password } });
const tokensOf = (userId: string) => db.selectFrom('password_reset_tokens').selectAll().where('user_id', '=', userId).execute();

t.test('only the SHA-256 of a token is stored', async (t) => {
  const { token } = await issue();
  const rows = await tokensOf(tenant.technician.id);
  t.equal(rows.length, 1);
  t.equal(rows[0].token_hash, createHash('sha256').update(token).digest('hex'));
  t.notOk(JSON.stringify(rows).includes(token), 'the token itself is nowhere in the row');
});

t.test("a link sets the password, ends all the user's sessions, and works once", async (t) => {
  const user = await seedTenant(db, 'reset-once');
  const session = await signIn(app, user.technician.email);
  const { token } = await db.transaction().execute((trx) => issuePasswordLink(trx, { tenantId: user.tenantId, userId: user.technician.id, issuedBy: user.admin.id, purpose: 'reset' }));
  const res = await redeem(token);
  t.equal(res.statusCode, 200);
  t.equal((await session.request('GET', '/api/users')).statusCode, 401, 'the session from before the reset has ended');
  await signIn(app, user.technician.email, NEW_PASSWORD);
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.technician.email, password: TEST_PASSWORD } })).statusCode, 401, 'the old password is refused');
  const again = await redeem(token, 'another quite long passphrase');
  t.equal(again.statusCode, 400);
  t.equal(again.json().message, LINK_EXPIRED);
  const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id', 'details']).where('target_id', '=', user.technician.id).where('action', 'like', 'user.password%').orderBy('id').execute();
  t.match(audit, [
    { action: 'user.password_reset_issued', actor_user_id: user.admin.id, details: { purpose: 'reset' } },
    { action: 'user.password_reset_used', actor_user_id: user.technician.id, details: { sessionsEnded: 1 } },
  ]);
  t.notOk(JSON.stringify(audit).includes(token) || JSON.stringify(audit).includes(NEW_PASSWORD), 'no secret in the audit details');
});

t.test('an expired, unknown or superseded link gets the same 400', async (t) => {
  const expired = await issue(tenant.viewer.id);
  await db.updateTable('password_reset_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', tenant.viewer.id).execute();
  const first = await issue(tenant.admin.id);
  const second = await issue(tenant.admin.id);
  t.equal((await tokensOf(tenant.admin.id)).length, 1, 'issuing a link retires the unused one before it');
  for (const token of [expired.token, 'x'.repeat(43), first.token]) {
    const res = await redeem(token);
    t.equal(res.statusCode, 400);
    t.equal(res.json().message, 'This link has expired or was already used. Ask an admin for a new one.');
  }
  t.equal((await redeem(second.token)).statusCode, 200, 'the newest link works');
});

t.test('a weak password is refused and the link stays usable', async (t) => {
  const { token } = await issue(tenant.clientUser.id);
  const weak = await redeem(token, 'password1234');
  t.equal(weak.statusCode, 400);
  t.match(weak.json().message, /^Invalid request: password: is too easy to guess\. This is similar to a commonly used password\./);
  t.equal((await redeem(token)).statusCode, 200);
});

t.test('two uses of one link at the same moment: one succeeds', async (t) => {
  const user = await seedTenant(db, 'reset-race');
  for (let round = 0; round < 5; round++) {
    const { token } = await db.transaction().execute((trx) => issuePasswordLink(trx, { tenantId: user.tenantId, userId: user.technician.id, issuedBy: null, purpose: 'reset' }));
    const results = await Promise.allSettled([redeemPasswordLink(db, token, `${NEW_PASSWORD} one`), redeemPasswordLink(db, token, `${NEW_PASSWORD} two`)]);
    t.same(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], `round ${round}`);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    t.equal(refused.reason.message, LINK_EXPIRED);
  }
});
