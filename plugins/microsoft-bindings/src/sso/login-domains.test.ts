// Verified means verified: login domains are proven by a DNS TXT record looked up through node:dns
// at the DNS emulator (no mock), public mail domains are refused, one tenant's verified domain
// cannot be taken by another (also under a race), the periodic re-check turns the Microsoft sign-in
// requirement off when the record is gone, and a required domain is disabled only on confirmation.
import t from 'tap';
import { buildTestApp, seedTenant, signIn, testDns, type Session } from '@switchboard/testing';
import { createTxtVerifier } from './dns-verification.js';
import { recheckVerifiedDomains } from './domain-recheck.js';

const dns = await testDns();
const ctx = await buildTestApp({ edition: 'ee', env: { SWITCHBOARD_DNS_TIMEOUT_MS: '200' } });
t.teardown(ctx.close);
const a = await seedTenant(ctx.db, `dom-a-${Math.random().toString(36).slice(2, 7)}`);
const b = await seedTenant(ctx.db, `dom-b-${Math.random().toString(36).slice(2, 7)}`);
const adminA = await signIn(ctx.app, a.admin.email);
const adminB = await signIn(ctx.app, b.admin.email);
// Requiring Microsoft sign-in needs MSP single sign-on bound to a profile with a secret (sign-in-policy.ts).
const mspProfile = (await adminA.request('POST', '/api/microsoft/profiles', { displayName: 'MSP SSO', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'Domains~test-secret-0123456789' })).json();
await adminA.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: mspProfile.id });

let n = 0;
const fresh = (label: string) => `${label}-${++n}-${Math.random().toString(36).slice(2, 7)}.test`;
const add = async (admin: Session, domain: string) => {
  const res = await admin.request('POST', '/api/msp-sso/domains', { domain });
  if (res.statusCode !== 201) throw new Error(`adding ${domain}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; domain: string; status: string; verification: { name: string; value: string } };
};
const verify = (admin: Session, id: string) => admin.request('POST', `/api/msp-sso/domains/${id}/verify`);
const statusOf = async (id: string) => (await ctx.db.selectFrom('msp_sso_login_domains').select(['status', 'sso_required', 'record_missing_since', 'last_checked_at']).where('id', '=', id).executeTakeFirstOrThrow());
const auditOf = async (id: string) => (await ctx.db.selectFrom('audit_log').select(['action', 'actor_user_id', 'details']).where('target_id', '=', id).orderBy('id').execute());

t.test('an unverifiable domain stays pending, and each reason is said distinctly', async (t) => {
  const domain = fresh('unverifiable');
  const added = await add(adminA, domain);

  const none = await verify(adminA, added.id);
  t.equal(none.statusCode, 409);
  t.match(none.json(), { code: 'txt_missing', message: new RegExp(`^${domain.replace(/\./g, '\\.')} has no TXT record yet\\. Publish a TXT record named ${domain.replace(/\./g, '\\.')} with the value ${added.verification.value}`) });

  const foreign = `google-site-verification=${'q'.repeat(300)}`;
  dns.setTxt(domain, [foreign, 'v=spf1 -all', 'switchboard-domain-verification=someone-elses-token']);
  const wrong = await verify(adminA, added.id);
  t.equal(wrong.statusCode, 409);
  t.equal(wrong.json().code, 'txt_mismatch');
  t.match(wrong.json().message, /has 3 TXT records, but none is switchboard-domain-verification=.* another attempt or organization/);
  t.notOk(wrong.body.includes('qqqq') || wrong.body.includes('spf1') || wrong.body.includes('someone-elses-token'), 'foreign record contents are not echoed');

  dns.fail(domain, 'servfail');
  const servfail = await verify(adminA, added.id);
  t.equal(servfail.statusCode, 409);
  t.match(servfail.json(), { code: 'dns_unavailable', message: /reported a failure \(SERVFAIL\)\. .* stays pending; try again later\.$/ });

  dns.fail(domain, 'no_answer');
  const timeout = await verify(adminA, added.id);
  t.equal(timeout.statusCode, 409);
  t.match(timeout.json(), { code: 'dns_unavailable', message: /did not answer in time/ });

  dns.clear(domain);
  t.match(await statusOf(added.id), { status: 'pending', last_checked_at: null });
  t.same((await auditOf(added.id)).map((e) => e.action), ['msp_sso_domain.added'], 'no verification was recorded');
});

t.test('the right TXT record verifies, among other records and split into strings', async (t) => {
  const domain = fresh('provable');
  const added = await add(adminA, domain);
  const value = added.verification.value;
  dns.setTxt(domain, ['v=spf1 -all', [value.slice(0, 20), value.slice(20)]]);
  const res = await verify(adminA, added.id);
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status: 'verified', verifiedAt: String, lastCheckedAt: String, recordMissingSince: null });
  t.same((await auditOf(added.id)).map((e) => e.action), ['msp_sso_domain.added', 'msp_sso_domain.verified']);
});

t.test('public mail domains are refused when added', async (t) => {
  for (const domain of ['gmail.com', 'Outlook.com', 'gmx.de', 'yandex.ru', 'hotmail.co.uk', 'proton.me', 'web.de']) {
    const res = await adminA.request('POST', '/api/msp-sso/domains', { domain });
    t.equal(res.statusCode, 400, domain);
    t.match(res.json().message, `${domain.toLowerCase()} is a public mail service; only a domain your organization owns can be used for Microsoft sign-in`);
    t.same(res.json().fields.map((f: { field: string }) => f.field), ['domain']);
  }
  const rows = await ctx.db.selectFrom('msp_sso_login_domains').select('id').where('domain', 'in', ['gmail.com', 'outlook.com', 'gmx.de']).execute();
  t.same(rows, []);
  t.equal((await adminA.request('POST', '/api/msp-sso/domains', { domain: fresh('gmail-lookalike') })).statusCode, 201, 'an ordinary domain is fine');
});

t.test("another tenant's verified domain can be neither claimed nor verified; a pending one squats nothing", async (t) => {
  const domain = fresh('contested');
  const squat = await add(adminB, domain);
  t.equal(squat.status, 'pending', 'B adds it first, pending');
  const mine = await add(adminA, domain);
  t.equal(mine.status, 'pending', 'A can still add it: pending claims do not block');
  t.not(mine.verification.value, squat.verification.value, 'each tenant has its own value');

  dns.setTxt(domain, [mine.verification.value, squat.verification.value]);
  t.equal((await verify(adminA, mine.id)).statusCode, 200, 'A proves it first');
  const late = await verify(adminB, squat.id);
  t.equal(late.statusCode, 409, 'B cannot verify it, even with its own correct record');
  t.match(late.json(), { code: 'verified_elsewhere', message: /already verified for Microsoft sign-in by another organization/ });
  t.notOk(late.body.includes(a.tenantId) || late.body.includes('Tenant '), 'the other organization is not named');
  t.equal((await statusOf(squat.id)).status, 'pending');

  const claim = await adminB.request('POST', '/api/msp-sso/domains', { domain: fresh('other') });
  t.equal(claim.statusCode, 201);
  await adminB.request('POST', `/api/msp-sso/domains/${squat.id}/disable`);
  const again = await adminB.request('POST', '/api/msp-sso/domains', { domain: domain.toUpperCase() });
  t.equal(again.statusCode, 409, 'adding a domain another tenant verified is refused');
  t.match(again.json().message, /already verified for Microsoft sign-in by another organization/);
  t.equal((await adminA.request('POST', '/api/msp-sso/domains', { domain })).statusCode, 409, 'and A has it on its list once');
});

t.test('two tenants verifying one domain at the same moment: exactly one wins', async (t) => {
  for (let round = 0; round < 5; round++) {
    const domain = fresh('raced');
    const [da, db] = await Promise.all([add(adminA, domain), add(adminB, domain)]);
    dns.setTxt(domain, [da.verification.value, db.verification.value]);
    const [ra, rb] = await Promise.all([verify(adminA, da.id), verify(adminB, db.id)]);
    t.same([ra.statusCode, rb.statusCode].sort(), [200, 409], `round ${round}: one 200, one 409`);
    const loser = ra.statusCode === 409 ? ra : rb;
    t.equal(loser.json().code, 'verified_elsewhere');
    const verified = await ctx.db.selectFrom('msp_sso_login_domains').select('tenant_id').where('domain', '=', domain).where('status', '=', 'verified').execute();
    t.equal(verified.length, 1, 'one verified row');
  }
});

t.test('the periodic re-check: a lost record turns the requirement off and tells the admins; its return clears that', async (t) => {
  const txt = createTxtVerifier({ servers: [dns.server], timeoutMs: 200 });
  const warnings: object[] = [];
  const recheck = () => recheckVerifiedDomains({ db: ctx.db, txt, log: { warn: (obj) => warnings.push(obj) } });
  const domain = fresh('rechecked');
  const added = await add(adminA, domain);
  dns.setTxt(domain, [added.verification.value]);
  t.equal((await verify(adminA, added.id)).statusCode, 200);
  t.equal((await adminA.request('PATCH', `/api/msp-sso/domains/${added.id}`, { ssoRequired: true })).statusCode, 200);
  const notifications = () => ctx.db.selectFrom('notifications').select(['user_id', 'title', 'body', 'resolved_at']).where('dedupe_key', '=', `msp_sso_domain.txt_missing:${added.id}`).execute();

  const present = await recheck();
  t.ok(present.checked >= 1);
  t.notOk(present.missing.includes(domain));
  t.ok((await statusOf(added.id)).last_checked_at, 'last_checked_at is set');

  dns.fail(domain, 'servfail');
  const failing = await recheck();
  t.ok(failing.unavailable.includes(domain), 'a failed lookup proves nothing');
  t.match(await statusOf(added.id), { sso_required: true, record_missing_since: null });
  t.match(warnings, [{ domain, reason: /SERVFAIL/ }], 'and is logged');

  dns.setTxt(domain, ['v=spf1 -all']);
  dns.fail(domain, null);
  const lost = await recheck();
  t.same(lost.missing, [domain]);
  t.match(await statusOf(added.id), { status: 'verified', sso_required: false, record_missing_since: Date });
  const raised = await notifications();
  t.same(raised.map((r) => r.user_id), [a.admin.id], 'the admins are notified (not the technician or the viewer)');
  t.match(raised[0], { title: `The DNS verification record of ${domain} is gone`, body: /Microsoft sign-in is no longer required for that domain/, resolved_at: null });
  const audit = await auditOf(added.id);
  t.match(audit.slice(-2), [
    { action: 'msp_sso_domain.txt_record_missing', actor_user_id: null },
    { action: 'msp_sso_domain.sso_required_set', actor_user_id: null, details: { ssoRequired: false, reason: 'txt_record_missing' } },
  ]);
  const listed = (await adminA.request('GET', '/api/msp-sso/domains')).json().items.find((d: { id: string }) => d.id === added.id);
  t.match(listed, { ssoRequired: false, recordMissingSince: String, lastCheckedAt: String });

  dns.clear(domain);
  t.same((await recheck()).missing, [], 'still missing (NXDOMAIN now): nothing new');
  t.equal((await notifications()).length, 1, 'no second notification');
  const requireAgain = await adminA.request('PATCH', `/api/msp-sso/domains/${added.id}`, { ssoRequired: true });
  t.equal(requireAgain.statusCode, 409, 'the requirement cannot come back while the record is missing');
  t.match(requireAgain.json().message, /was missing at the last check/);

  dns.setTxt(domain, [added.verification.value]);
  const back = await recheck();
  t.same(back.restored, [domain]);
  t.match(await statusOf(added.id), { record_missing_since: null });
  t.ok((await notifications())[0].resolved_at, 'the notification is resolved');
  t.equal((await adminA.request('PATCH', `/api/msp-sso/domains/${added.id}`, { ssoRequired: true })).statusCode, 200);
});

t.test('an admin can check a domain whose record went missing at once, without waiting for the next run', async (t) => {
  const txt = createTxtVerifier({ servers: [dns.server], timeoutMs: 200 });
  const domain = fresh('checked-now');
  const added = await add(adminA, domain);
  dns.setTxt(domain, [added.verification.value]);
  await verify(adminA, added.id);
  t.equal((await verify(adminA, added.id)).statusCode, 409, 'a verified domain with its record in place is not verified again');
  dns.clear(domain);
  await recheckVerifiedDomains({ db: ctx.db, txt, log: { warn: () => {} } });
  const still = await verify(adminA, added.id);
  t.match(still.json(), { statusCode: 409, code: 'txt_missing' });
  dns.setTxt(domain, [added.verification.value]);
  const res = await verify(adminA, added.id);
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status: 'verified', recordMissingSince: null });
  const open = await ctx.db.selectFrom('notifications').select('id').where('dedupe_key', '=', `msp_sso_domain.txt_missing:${added.id}`).where('resolved_at', 'is', null).execute();
  t.same(open, [], 'the notification is resolved');
  t.equal((await auditOf(added.id)).at(-1)?.action, 'msp_sso_domain.txt_record_restored');
});

t.test('disabling a domain that requires Microsoft sign-in is refused, then done on confirmation', async (t) => {
  const domain = fresh('required');
  const added = await add(adminA, domain);
  dns.setTxt(domain, [added.verification.value]);
  await verify(adminA, added.id);
  await adminA.request('PATCH', `/api/msp-sso/domains/${added.id}`, { ssoRequired: true });

  const refused = await adminA.request('POST', `/api/msp-sso/domains/${added.id}/disable`);
  t.equal(refused.statusCode, 409);
  t.match(refused.json(), { code: 'sso_required', domains: [domain], message: /Disabling the domain turns Microsoft sign-in off for it: its users must then sign in with their Switchboard password/ });
  t.match(await statusOf(added.id), { status: 'verified', sso_required: true }, 'nothing changed');

  t.equal((await adminA.request('POST', `/api/msp-sso/domains/${added.id}/disable?confirm=maybe`)).statusCode, 400);
  const confirmed = await adminA.request('POST', `/api/msp-sso/domains/${added.id}/disable?confirm=true`);
  t.equal(confirmed.statusCode, 200);
  t.match(confirmed.json(), { status: 'disabled', ssoRequired: false });
  t.match((await auditOf(added.id)).slice(-2), [
    { action: 'msp_sso_domain.sso_required_set', actor_user_id: a.admin.id, details: { ssoRequired: false, reason: 'domain_disabled' } },
    { action: 'msp_sso_domain.disabled', actor_user_id: a.admin.id },
  ]);
});

t.test('verification is rate limited per tenant', async (t) => {
  const own = await buildTestApp({ database: ctx.database, keyring: ctx.keyring });
  t.teardown(own.close);
  const c = await seedTenant(ctx.db, `dom-c-${Math.random().toString(36).slice(2, 7)}`);
  const adminC = await signIn(own.app, c.admin.email);
  const otherC = await signIn(own.app, c.viewer.email);
  const added = (await adminC.request('POST', '/api/msp-sso/domains', { domain: fresh('limited') })).json();
  const codes: number[] = [];
  for (let i = 0; i < 21; i++) codes.push((await adminC.request('POST', `/api/msp-sso/domains/${added.id}/verify`)).statusCode);
  t.same(codes.slice(0, 20), Array(20).fill(409), 'twenty lookups a minute');
  t.equal(codes[20], 429, 'then the tenant waits');
  t.equal((await otherC.request('GET', '/api/msp-sso/domains')).statusCode, 200, 'reading is not limited');
  const adminOfA = await signIn(own.app, a.admin.email);
  t.equal((await adminOfA.request('POST', `/api/msp-sso/domains/${added.id}/verify`)).statusCode, 404, 'another tenant has its own budget');
});

t.test('the re-check is scheduled every six hours where workers run', async (t) => {
  const workers = await buildTestApp({ edition: 'ee', database: ctx.database, keyring: ctx.keyring, runWorkers: true });
  t.teardown(workers.close);
  const schedules = await workers.app.jobs.boss.getSchedules();
  t.match(
    schedules.filter((s) => s.name === 'microsoft.login-domain-recheck'),
    [{ name: 'microsoft.login-domain-recheck', cron: '41 */6 * * *' }],
  );
});
