// Security headers on every kind of response: API JSON, an error, a 404, the Graph validationToken
// echo (text/plain) and the SPA's HTML document, which alone gets a policy that lets it load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { createTestDatabase, testKeyring } from '@switchboard/testing';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { SPA_CONTENT_SECURITY_POLICY } from './web.js';

const dist = mkdtempSync(join(tmpdir(), 'switchboard-web-'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Switchboard</title><script type="module" src="/assets/app.js"></script>');
const database = await createTestDatabase();
const config = loadConfig({ EDITION: 'ee', SWITCHBOARD_WORKERS: 'off', LOG_LEVEL: 'silent', SWITCHBOARD_WEB_DIST: dist });
const app = await buildApp({ config, database, keyring: testKeyring() });
await app.ready();
t.teardown(async () => {
  await app.close();
  await database.close();
  rmSync(dist, { recursive: true, force: true });
});

function hasSecurityHeaders(t: Test, res: LightMyRequestResponse, what: string) {
  t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  t.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  t.ok(res.headers['strict-transport-security'], `${what}: HSTS`);
  t.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
}

t.test('API answers carry the strict policy: JSON, an error and a 404', async (t) => {
  const json = await app.inject({ method: 'GET', url: '/api/edition' });
  t.equal(json.statusCode, 200);
  hasSecurityHeaders(t, json, 'JSON');
  t.match(json.headers['content-security-policy'], /^default-src 'none'/);

  const unauthorized = await app.inject({ method: 'GET', url: '/api/clients' });
  t.equal(unauthorized.statusCode, 401);
  hasSecurityHeaders(t, unauthorized, '401');

  const missing = await app.inject({ method: 'GET', url: '/api/no-such-thing' });
  t.equal(missing.statusCode, 404);
  hasSecurityHeaders(t, missing, '404');
  t.match(missing.headers['content-security-policy'], /^default-src 'none'/, 'an /api 404 keeps the API policy next to the SPA');

  const badJson = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' });
  t.equal(badJson.statusCode, 400);
  hasSecurityHeaders(t, badJson, 'unparseable body');
});

t.test('the Graph validationToken echo is plain text that no browser may sniff or frame', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/calendar/webhooks/microsoft?validationToken=%3Cscript%3Ealert(1)%3C%2Fscript%3E', headers: { 'content-type': 'text/plain' }, payload: '' });
  t.equal(res.statusCode, 200);
  t.equal(res.body, '<script>alert(1)</script>', 'echoed as Graph requires');
  t.match(res.headers['content-type'], /^text\/plain/);
  hasSecurityHeaders(t, res, 'validationToken echo');
  t.match(res.headers['content-security-policy'], /^default-src 'none'/);
});

t.test('the SPA document gets the policy the built app needs', async (t) => {
  for (const url of ['/', '/schedule?week=2026-W01', '/index.html']) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], /^text\/html/, url);
    hasSecurityHeaders(t, res, url);
    t.equal(res.headers['content-security-policy'], SPA_CONTENT_SECURITY_POLICY, url);
    // A browser revalidating its cached copy stores the 304's headers in place of the old ones.
    const revalidated = await app.inject({ method: 'GET', url, headers: { 'if-none-match': String(res.headers.etag) } });
    t.equal(revalidated.statusCode, 304, `${url} revalidated`);
    t.equal(revalidated.headers['content-security-policy'], SPA_CONTENT_SECURITY_POLICY, `${url} revalidated`);
  }
});
