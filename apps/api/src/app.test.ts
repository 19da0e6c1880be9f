import t from 'tap';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestApp, createTestDatabase, seedTenant, signIn, testKeyring } from '@switchboard/testing';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

t.test('health and readiness', async (t) => {
  const database = await createTestDatabase();
  const ctx = await buildTestApp({ database });
  t.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).json().status, 'ok');
  t.same((await ctx.app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready' });
  await database.close();
  const down = await ctx.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(down.statusCode, 503);
  t.equal(down.json().message, 'The database is not reachable.');
  await ctx.app.close();
});

t.test('serves the built web app, with index.html for client routes and JSON 404 for unknown API routes', async (t) => {
  const dist = mkdtempSync(join(tmpdir(), 'sb-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  const database = await createTestDatabase();
  t.teardown(database.close);
  const app = await buildApp({
    config: loadConfig({ SWITCHBOARD_WORKERS: 'off', LOG_LEVEL: 'silent', SWITCHBOARD_WEB_DIST: dist }),
    database,
    keyring: testKeyring(),
  });
  t.teardown(() => app.close());
  const home = await app.inject({ method: 'GET', url: '/' });
  t.equal(home.statusCode, 200);
  t.match(home.body, /<title>Switchboard/);
  t.match((await app.inject({ method: 'GET', url: '/schedule?week=2026-03-02' })).body, /<title>Switchboard/);
  t.equal((await app.inject({ method: 'GET', url: '/assets/app.js' })).body, 'console.log(1)');
  const api = await app.inject({ method: 'GET', url: '/api/nothing-here' });
  t.equal(api.statusCode, 404);
  t.equal(api.json().message, 'Route GET /api/nothing-here not found.');
});

t.test('an unexpected failure answers a generic 500 and logs the detail', async (t) => {
  const database = await createTestDatabase();
  const ctx = await buildTestApp({ database });
  const tenant = await seedTenant(ctx.db, 'boom');
  const admin = await signIn(ctx.app, tenant.admin.email);
  await database.close();
  const res = await admin.request('GET', '/api/clients');
  t.equal(res.statusCode, 500);
  t.same(Object.keys(res.json()).sort(), ['error', 'message', 'reqId', 'statusCode']);
  t.equal(res.json().message, 'Something went wrong on our side. Please try again.');
  t.ok(ctx.logs.some((l) => l.includes('"level":50') && l.includes(res.json().reqId)), 'the error is logged with the request id');
  await ctx.app.close();
});
