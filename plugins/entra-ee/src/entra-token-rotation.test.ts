// The partner refresh token of a Direct connection over months, through msal-node against the
// Microsoft emulator (which rotates refresh tokens on every redemption and expires one unused for
// 90 days, on its own clock): every rotation is stored encrypted, an older token never overwrites a
// newer one, and a refused sign-in (invalid_grant) turns into needs_reconnect, one notification and
// readable failures until the admin reconnects.
import t from 'tap';
import { completeMicrosoftConsent, startMicrosoftEmulator } from '@switchboard/emulators';
import { seedTenant } from '@switchboard/testing';
import { CLIENT_SECRET, PUBLIC_URL, connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';
import { directoryFor } from './services/connection.js';
import { openPartnerTokens, refreshDuePartnerTokens, refreshTokenName, storeRefreshToken } from './services/partner-token.js';

const DAY = 86_400;
const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 3, usersPerCustomer: 6, seed: 23 });
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-token-rotation');
const { db } = ctx;
const deps = { db, secrets: ctx.app.secrets, loginUrl: ms.url };
const { profileId } = await connectDirect(admin, partner);

const connection = async () => (await admin.request('GET', '/api/integrations/entra/connection')).json().connection;
const storedToken = async (connectionId: string) => (await ctx.app.secrets.get(db, seeded.tenantId, refreshTokenName(connectionId)))!;
const ciphertext = async (connectionId: string) =>
  (await db.selectFrom('tenant_secrets').select('ciphertext').where('tenant_id', '=', seeded.tenantId).where('name', '=', refreshTokenName(connectionId)).executeTakeFirstOrThrow()).ciphertext.toString('base64');
const refreshedAt = async (connectionId: string) => (await db.selectFrom('entra_connections').select('token_refreshed_at').where('id', '=', connectionId).executeTakeFirstOrThrow()).token_refreshed_at!;

/** The refresh grant as msal-node posts it, straight to the emulator: the AADSTS code, or null when accepted. */
async function redeemDirectly(refreshToken: string): Promise<number | null> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: partner.app.clientId, client_secret: CLIENT_SECRET, refresh_token: refreshToken, scope: 'https://graph.microsoft.com/.default offline_access' });
  const res = await fetch(`${ms.url}/${partner.partner.id}/oauth2/v2.0/token`, { method: 'POST', body: form });
  return res.ok ? null : ((await res.json()) as { error_codes: number[] }).error_codes[0];
}

t.test('a partner token rotated every 20 days keeps the connection working for 200 days', async (t) => {
  const { id } = await connection();
  const connectTimeToken = await storedToken(id);
  t.ok(await refreshedAt(id), 'connect records when the token was received');
  const seen = new Set([await ciphertext(id)]);
  for (let day = 20; day <= 200; day += 20) {
    ms.controls.advanceClock(20 * DAY);
    const before = await refreshedAt(id);
    const outcome = await refreshDuePartnerTokens(deps, { olderThanMs: 0 });
    t.match(outcome, { refreshed: 1, needsReconnect: 0, failed: 0 }, `day ${day}: refreshed`);
    const stored = await ciphertext(id);
    t.notOk(seen.has(stored), `day ${day}: a new encrypted secret`);
    seen.add(stored);
    t.ok((await refreshedAt(id)) > before, `day ${day}: token_refreshed_at moved on`);
  }
  // Compared with ok, not equal: a failure must not print tokens.
  t.ok(!Buffer.from(await ciphertext(id), 'base64').toString('latin1').includes(await storedToken(id)), 'stored encrypted, not in clear');
  t.equal(await redeemDirectly(connectTimeToken), 700082, 'the connect-time token itself expired long ago (unused since day 20)');

  const discovered = await admin.request('POST', '/api/integrations/entra/discover');
  t.equal(discovered.statusCode, 200, discovered.body);
  t.equal(discovered.json().discovered, 3);
  t.equal(discovered.json().failed, 0, 'every customer tenant answered with the rotated token at day 200');
  t.equal((await connection()).status, 'connected');
});

t.test('the proactive refresh skips a token refreshed within the last day', async (t) => {
  const { id } = await connection();
  const before = await ciphertext(id);
  t.match(await refreshDuePartnerTokens(deps), { refreshed: 0 });
  t.equal(await ciphertext(id), before);
});

t.test('concurrent refreshes never store an older token over a newer one', async (t) => {
  // Real tokens: parallel redemptions of one connection (the sync's lanes, two workers) leave a token that works.
  const { id } = await connection();
  const direct = await db.selectFrom('entra_connections').select(['id', 'tenant_id', 'status', 'profile_id', 'partner_tenant_id']).where('id', '=', id).executeTakeFirstOrThrow();
  // Two workers (each with its own msal cache), each redeeming for every tenant at once.
  const workers = await Promise.all([1, 2].map(() => openPartnerTokens(deps, direct)));
  const before = await ciphertext(id);
  const tenants = [partner.partner.id, ...partner.customers.map((c) => c.id)];
  const tokens = await Promise.all(workers.flatMap((worker) => tenants.map((tenant) => worker.graphToken(tenant))));
  t.equal(tokens.length, 2 * tenants.length, 'every redemption answered');
  t.not(await ciphertext(id), before, 'a rotated token was stored');
  t.equal(await redeemDirectly(await storedToken(id)), null, 'the stored token is a live one');

  // The rule itself, on a connection of its own: the newest received time wins whatever order the writes commit in.
  const other = await seedTenant(db, 'entra-token-race');
  // (A CIPP row stands in: the rule does not look at the kind, and a Direct row needs a whole profile.)
  const row = await db
    .insertInto('entra_connections')
    .values({ tenant_id: other.tenantId, kind: 'cipp', cipp_base_url: 'https://cipp.invalid', cipp_client_id: 'x', cipp_authority_tenant: 'y' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const target = { tenantId: other.tenantId, connectionId: row.id };
  const base = Date.now();
  const order = [3, 7, 0, 9, 5, 1, 8, 2, 6, 4];
  const stored = await Promise.all(order.map((i) => storeRefreshToken(deps, target, `token-${i}`, new Date(base + i * 1000))));
  t.ok(stored.some(Boolean));
  t.equal(await ctx.app.secrets.get(db, other.tenantId, refreshTokenName(row.id)), 'token-9', 'the newest token is the one kept');
  t.equal(await storeRefreshToken(deps, target, 'token-late-but-old', new Date(base + 500)), false, 'an older token arriving late is not stored');
  t.equal(await ctx.app.secrets.get(db, other.tenantId, refreshTokenName(row.id)), 'token-9');
});

t.test('invalid_grant: needs_reconnect, one notification, readable failures; a reconnect clears it', async (t) => {
  const old = await connection();
  await admin.request('POST', '/api/integrations/entra/discover');
  const [customer] = partner.customers;
  const client = (await admin.request('POST', '/api/clients', { name: 'Rotation Client', domains: [] })).json();
  const managed = (await admin.request('GET', '/api/integrations/entra/tenants')).json().items.find((x: { entraTenantId: string }) => x.entraTenantId === customer.id);
  t.equal((await admin.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId: managed.id, action: 'map', clientId: client.id }] })).statusCode, 200);

  // revokeSignInSessions on the partner admin: every refresh token of the connection is refused (AADSTS50173).
  t.ok(ms.identity.revokeRefreshTokens(partner.admin.id) > 0);
  t.match(await refreshDuePartnerTokens(deps, { olderThanMs: 0 }), { needsReconnect: 1, refreshed: 0 });
  const marked = await connection();
  t.equal(marked.status, 'needs_reconnect');
  t.match(marked.lastError, /no longer accepts the partner sign-in.*\(AADSTS50173\)/);
  t.notMatch(marked.lastError, /revoked|password/i, 'the code only, not Microsoft’s text');

  // Discovery and syncs fail readably without asking Microsoft again; the admins are told once.
  const tokenCalls = () => ms.controls.count('POST /:tenant/oauth2/v2.0/token');
  const callsBefore = tokenCalls();
  const discover = await admin.request('POST', '/api/integrations/entra/discover');
  t.equal(discover.statusCode, 409);
  t.match(discover.json().message, /reconnect/i);
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'all' })).json().run.id);
  t.equal(run.status, 'failed');
  t.match(run.tenants[0].error, /no longer accepts the partner sign-in/);
  t.match(await refreshDuePartnerTokens(deps, { olderThanMs: 0 }), { refreshed: 0, needsReconnect: 0, failed: 0 }, 'the job leaves it alone');
  t.equal(tokenCalls(), callsBefore, 'no token requests while it needs a reconnect');
  const notices = () => db.selectFrom('notifications').select(['title', 'link', 'resolved_at']).where('tenant_id', '=', seeded.tenantId).where('kind', '=', 'entra.needs_reconnect').execute();
  t.match(await notices(), [{ title: 'Microsoft Entra needs to be reconnected', link: '/settings?category=entra', resolved_at: null }], 'exactly one notification (one admin)');
  t.equal((await admin.request('POST', '/api/integrations/entra/connection/test', {})).json().ok, false, 'Test connection says why');

  // Reconnect: the normal Direct connect, allowed while the connection needs it.
  const start = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'direct', profileId });
  t.equal(start.statusCode, 200, 'a Direct connect may start');
  const consent = await completeMicrosoftConsent(start.json().redirectUrl, { login: partner.admin.userPrincipalName });
  const back = new URL(consent.location);
  const callback = await admin.request('GET', back.pathname + back.search);
  t.equal(callback.headers.location, '/settings?category=entra&entra=connected');
  const fresh = await connection();
  t.match(fresh, { status: 'connected', lastError: null });
  t.not(fresh.id, old.id);
  const oldRow = await db.selectFrom('entra_connections').select('status').where('id', '=', old.id).executeTakeFirstOrThrow();
  t.equal(oldRow.status, 'disconnected');
  t.equal(await ctx.app.secrets.get(db, seeded.tenantId, refreshTokenName(old.id)), null, 'the old token is deleted');
  t.ok((await notices()).every((n) => n.resolved_at !== null), 'the notification is resolved');
  t.equal((await admin.request('GET', '/api/integrations/entra/mappings')).json().items.length, 1, 'mappings are kept');
  const after = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'all' })).json().run.id);
  t.equal(after.status, 'succeeded', JSON.stringify(after.tenants.map((x: { error: string | null }) => x.error)));
});

t.test('a customer tenant refusing the partner fails that tenant only; the connection stays connected', async (t) => {
  const outsider = ms.identity.addTenant({ displayName: 'Not A Customer', domains: ['outsider.test'] });
  const directory = await directoryFor({ ...deps, graphUrl: ms.url, publicUrl: PUBLIC_URL }, seeded.tenantId);
  await t.rejects(directory.readUsers({ entraTenantId: outsider.id, domains: ['outsider.test'] }, null), { message: /Microsoft refused a token for tenant .*AADSTS50020/ });
  t.equal((await connection()).status, 'connected', 'invalid_grant at a customer is not the partner sign-in failing');
});

t.test('a sync that meets invalid_grant marks the connection and fails readably', async (t) => {
  ms.identity.revokeRefreshTokens(partner.admin.id);
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'all' })).json().run.id);
  t.equal(run.status, 'failed');
  t.ok(run.tenants.every((x: { error: string | null }) => /no longer accepts the partner sign-in/.test(x.error ?? '')), 'every tenant run says why');
  t.equal((await connection()).status, 'needs_reconnect');
  const open = await db.selectFrom('notifications').select('id').where('tenant_id', '=', seeded.tenantId).where('kind', '=', 'entra.needs_reconnect').where('resolved_at', 'is', null).execute();
  t.equal(open.length, 1, 'one open notification again');
});

t.test('nothing secret in logs', async (t) => {
  const logs = ctx.logs.join('\n');
  t.notOk(logs.includes(CLIENT_SECRET));
  t.notOk(/1\.AR[A-Za-z0-9_-]{20,}/.test(logs), 'no refresh token in any log line');
});
