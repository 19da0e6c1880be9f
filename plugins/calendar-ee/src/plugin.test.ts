import t from 'tap';
import Fastify from 'fastify';
import { CALENDAR_CE_ERROR, CALENDAR_ROUTES } from '@switchboard/core';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { calendarPlugin } from './plugin.js';

const concreteUrl = (url: string) => url.replace(/:\w+/g, '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f');

t.test('EE: the stable calendar URLs reach the calendar-ee handlers, not the CE stub', async (t) => {
  const ctx = await buildTestApp({ edition: 'ee' });
  t.teardown(ctx.close);
  t.equal(ctx.app.hasPlugin('switchboard-calendar-ee'), true);
  const admin = await signIn(ctx.app, (await seedTenant(ctx.db, 'eecal')).admin.email);
  const answers: [string, string, number][] = [
    ['GET', '/api/calendar/providers', 200],
    ['GET', '/api/calendar/status', 200],
    ['GET', '/api/calendar/settings', 200],
    ['GET', '/api/calendar/conflicts', 200],
    ['GET', `/api/calendar/providers/${concreteUrl(':id')}`, 404],
    ['POST', '/api/calendar/providers', 400],
    ['GET', '/api/auth/google/calendar/callback', 302],
    ['POST', '/api/calendar/webhooks/google', 400],
  ];
  for (const [method, url, status] of answers) {
    const res = await admin.request(method, url, method === 'GET' ? undefined : {});
    t.equal(res.statusCode, status, `${method} ${url}`);
    t.notMatch(res.body, CALENDAR_CE_ERROR);
  }
  t.ok(CALENDAR_ROUTES.length > answers.length - 1, 'the table lists every stable URL');
  const unknown = await admin.request('GET', '/api/calendar/no-such-action');
  t.equal(unknown.statusCode, 404, 'other /api/calendar URLs are ordinary 404s in EE');
  t.equal(unknown.json().message, 'Route GET /api/calendar/no-such-action not found.');
});

t.test('webhooks write no access log lines, but their rejections are logged; other URLs keep the access log', async (t) => {
  const ctx = await buildTestApp({ edition: 'ee' });
  t.teardown(ctx.close);
  const lines = () => ctx.logs.map((line) => JSON.parse(line) as { msg: string; level: number; req?: { url: string }; reqId?: string });
  const forged = await ctx.app.inject({ method: 'POST', url: '/api/calendar/webhooks/google', headers: { 'x-goog-channel-id': 'no-such-channel', 'x-goog-resource-state': 'exists' } });
  t.equal(forged.statusCode, 404);
  const handshake = await ctx.app.inject({ method: 'POST', url: '/api/calendar/webhooks/microsoft?validationToken=hello' });
  t.equal(handshake.body, 'hello');
  t.same(
    lines().filter((l) => l.msg === 'incoming request' || l.msg === 'request completed'),
    [],
    'no access log line for either webhook',
  );
  t.match(lines().filter((l) => l.msg === 'calendar webhook rejected'), [{ level: 40 }]);
  await ctx.app.inject({ method: 'GET', url: '/api/edition' });
  t.same(
    lines().filter((l) => l.msg === 'incoming request').map((l) => l.req?.url),
    ['/api/edition'],
  );
  t.equal(lines().filter((l) => l.msg === 'request completed').length, 1);
});

t.test('EE: the edition offers the calendar category, tab and all four consumers', async (t) => {
  const ctx = await buildTestApp({ edition: 'ee' });
  t.teardown(ctx.close);
  const body = (await ctx.app.inject({ method: 'GET', url: '/api/edition' })).json();
  t.equal(body.edition, 'ee');
  t.equal(body.calendarAvailable, true);
  t.ok(body.settingsCategories.includes('calendar'));
  t.ok(body.profileTabs.includes('calendar'));
  t.same(body.microsoftConsumers, ['msp_sso', 'email', 'calendar', 'teams']);
});

t.test('registering calendar-ee without core fails at startup with a clear error', async (t) => {
  const app = Fastify();
  app.register(calendarPlugin);
  await t.rejects(async () => {
    await app.ready();
  }, /The dependency 'switchboard-core' of plugin 'switchboard-calendar-ee' is not registered/);
});
