import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';

t.test('CE: no calendar category or tab, only the msp_sso consumer, no EE plugins loaded (EE: see the EE plugins)', async (t) => {
  const ctx = await buildTestApp({ edition: 'ce' });
  t.teardown(ctx.close);
  const res = await ctx.app.inject({ method: 'GET', url: '/api/edition' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    edition: 'ce',
    calendarAvailable: false,
    entraAvailable: false,
    settingsCategories: ['providers'],
    profileTabs: ['account'],
    microsoftConsumers: ['msp_sso'],
    featureFlags: {},
  });
  t.equal(ctx.app.hasPlugin('switchboard-calendar-ee'), false);
  t.equal(ctx.app.hasPlugin('switchboard-entra-ee'), false);
  t.equal(ctx.app.hasPlugin('switchboard-microsoft-bindings'), true);
});

t.test('signed in, the edition carries the tenant flags, and a flag change shows on the next request', async (t) => {
  const ctx = await buildTestApp();
  t.teardown(ctx.close);
  const a = await seedTenant(ctx.db, 'fa');
  const b = await seedTenant(ctx.db, 'fb');
  const admin = await signIn(ctx.app, a.admin.email);
  const otherAdmin = await signIn(ctx.app, b.admin.email);
  const flags = () => admin.request('GET', '/api/edition').then((r) => r.json().featureFlags);
  t.equal((await flags())['entra-integration-ui'], false);

  const on = await admin.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: true });
  t.equal(on.statusCode, 200);
  t.match(on.json(), { key: 'entra-integration-ui', enabled: true, defaultEnabled: false, tenantOverride: true });
  t.equal((await flags())['entra-integration-ui'], true);
  // Targeting is per tenant.
  t.equal((await otherAdmin.request('GET', '/api/edition')).json().featureFlags['entra-integration-ui'], false);

  await admin.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: null });
  t.equal((await flags())['entra-integration-ui'], false);

  const unknown = await admin.request('PUT', '/api/feature-flags/no-such-flag', { enabled: true });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().message, /^There is no feature flag "no-such-flag"\./);
  const bad = await admin.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: 'yes' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /enabled/);

  const audit = await admin.request('GET', '/api/audit-log');
  t.ok(audit.json().items.some((i: { action: string; targetId: string }) => i.action === 'feature_flag.set' && i.targetId === 'entra-integration-ui'));
});

t.test('only settings editors may change flags; the client portal sees none', async (t) => {
  const ctx = await buildTestApp();
  t.teardown(ctx.close);
  const s = await seedTenant(ctx.db, 'fperm');
  const viewer = await signIn(ctx.app, s.viewer.email);
  t.equal((await viewer.request('GET', '/api/feature-flags')).statusCode, 200);
  const change = await viewer.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: true });
  t.equal(change.statusCode, 403);
  t.equal(change.json().message, 'You need the system_settings.update permission to do this.');
  const portal = await signIn(ctx.app, s.clientUser.email);
  t.equal((await portal.request('GET', '/api/feature-flags')).statusCode, 403);
  t.equal((await portal.request('GET', '/api/audit-log')).statusCode, 403);
  t.equal((await portal.request('GET', '/api/feature-flags')).json().message, 'This area is only available to MSP staff.');
});
