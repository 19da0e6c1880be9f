// Test support: a fresh PostgreSQL database per test file, the real app on it, and sign-in helpers.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { migrateToLatest, openDatabase, startEmbeddedPostgres, type DatabaseHandle } from '@switchboard/db';
import { createTenant, createUser, keyringFromEnv, type Db, type Keyring } from '@switchboard/core';
import { startDnsEmulator, type DnsEmulator } from '@switchboard/emulators/dns';
import { buildApp, loadConfig, loggerOptions } from '@switchboard/api';
import { captureLogStream, captureSecret, captureStoredSecrets } from './log-capture.js';

export { captureLogStream, captureSecret, captureStoredSecrets } from './log-capture.js';

/**
 * Awaits a test's teardown for at most 15 s. A job still awaiting a provider call can hold a
 * database client past the workers' stop timeout, and the pool then waits for it, keeping the test
 * process alive until tap's timeout although every assertion ran. After 15 s the teardown goes on,
 * says what is still open, and the process ends once everything else has finished.
 */
export async function closeWithin(closing: Promise<unknown>, what: string): Promise<void> {
  const closed = await Promise.race([closing.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000).unref())]);
  if (closed) return;
  process.stderr.write(`${what} did not close within 15 s; still open: ${process.getActiveResourcesInfo().join(', ')}\n`);
  setTimeout(() => process.exit(), 1000).unref();
}

/** Server settings for a test cluster: durability traded for speed (a crash loses nothing we need). */
export const TEST_SERVER_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' };

let server: Promise<string> | undefined;

/**
 * The PostgreSQL server this test process creates its databases on: TEST_DATABASE_URL (set by
 * `npm test` for the whole run: its embedded server or the one it was given), or, for a test file
 * run on its own, an embedded server of this process's, stopped and removed when it exits.
 */
function testServer(): Promise<string> {
  server ??= (async () => {
    if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
    const dir = mkdtempSync(join(tmpdir(), 'sb-test-pg-'));
    const embedded = await startEmbeddedPostgres(dir, { settings: TEST_SERVER_SETTINGS });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return embedded.connectionString;
  })();
  return server;
}

/** Runs one statement (CREATE or DROP DATABASE) on its own connection to the server. */
export async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server at `serverUrl`. */
export function databaseOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

let watchdogArmed = false;

/**
 * Ends a test process that is still open 30 s after its file's tests ended, saying what kept it
 * open: a handle leaked by a teardown (an emulator's keep-alive socket, a job past the workers'
 * stop) otherwise keeps it alive, every assertion passed, until tap's timeout fails the file. The
 * timer does not keep the process alive itself, and the exit code stays tap's. Only under tap.
 */
async function exitAfterLastTest(): Promise<void> {
  if (watchdogArmed || process.env.TAP !== '1') return;
  watchdogArmed = true;
  const { default: t } = await import('tap');
  t.teardown(() => {
    setTimeout(() => {
      process.stderr.write(`the test process was still open 30 s after its tests ended; still open: ${process.getActiveResourcesInfo().join(', ')}\n`);
      process.exit();
    }, 30_000).unref();
  });
}

/**
 * A new database for one test file: a copy of the run's migrated template (TEST_TEMPLATE_DATABASE,
 * made once by `npm test`), or created and migrated here when there is none. Dropped on close.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  await exitAfterLastTest();
  const serverUrl = await testServer();
  const template = process.env.TEST_TEMPLATE_DATABASE;
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`);
  const handle = await openDatabase({ databaseUrl: databaseOn(serverUrl, name), poolSize: 5 });
  if (!template) await migrateToLatest(handle.db);
  return {
    ...handle,
    async close() {
      await handle.close();
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

let dns: Promise<DnsEmulator> | undefined;

/**
 * The DNS server every test app of this process resolves login-domain TXT records with: publish a
 * record with `(await testDns()).setTxt(domain, [value])`. One per process (domains in tests are
 * unique); it does not keep the process alive.
 */
export function testDns(): Promise<DnsEmulator> {
  dns ??= startDnsEmulator();
  return dns;
}

/**
 * Adds `domain` as a login domain of the session's tenant and verifies it the real way: publishes
 * its TXT value at the test DNS server, then calls Verify. Returns the verified domain.
 */
export async function addVerifiedLoginDomain(admin: Session, domain: string): Promise<{ id: string; domain: string; status: string; ssoRequired: boolean; verification: { value: string } }> {
  const added = await admin.request('POST', '/api/msp-sso/domains', { domain });
  if (added.statusCode !== 201) throw new Error(`adding login domain ${domain} failed: ${added.statusCode} ${added.body}`);
  const { id, verification } = added.json() as { id: string; verification: { name: string; value: string } };
  (await testDns()).setTxt(verification.name, [verification.value]);
  const verified = await admin.request('POST', `/api/msp-sso/domains/${id}/verify`);
  if (verified.statusCode !== 200) throw new Error(`verifying login domain ${domain} failed: ${verified.statusCode} ${verified.body}`);
  return verified.json();
}

export function testKeyring(): Keyring {
  const key = randomBytes(32).toString('base64');
  captureSecret(key);
  return keyringFromEnv(key);
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  database: DatabaseHandle;
  keyring: Keyring;
  /** Every log line written by the app, for checking that secrets never appear. */
  logs: string[];
  /** Every route the app registered, as `METHOD /url`. */
  routes: { method: string; url: string }[];
  close(): Promise<void>;
}

export async function buildTestApp(
  opts: { edition?: 'ce' | 'ee'; env?: Record<string, string>; runWorkers?: boolean; database?: DatabaseHandle; keyring?: Keyring; serveWeb?: boolean } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await createTestDatabase());
  // Another app's keyring, for a second process on the same database reading its secrets.
  const keyring = opts.keyring ?? testKeyring();
  const config = loadConfig({
    EDITION: opts.edition ?? 'ce',
    SWITCHBOARD_WORKERS: opts.runWorkers ? 'inline' : 'off',
    LOG_LEVEL: 'info',
    // Every injected request comes from 127.0.0.1, and a test file signs in many users: the per-IP
    // sign-in budget (30 a minute in production) is tested where a test sets it, not tripped by setup.
    LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    SWITCHBOARD_DNS_SERVERS: (await testDns()).server,
    ...opts.env,
  });
  if (config.METRICS_TOKEN) captureSecret(config.METRICS_TOKEN);
  const logs: string[] = [];
  const stream = captureLogStream((line) => logs.push(line));
  const routes: { method: string; url: string }[] = [];
  const app = await buildApp({
    configure: (instance) =>
      instance.addHook('onRoute', (r) => {
        for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
      }),
    config,
    database,
    keyring,
    logger: { ...(loggerOptions(config.LOG_LEVEL) as object), stream },
    // The built web app, for browser tests (see browser.ts); API tests need none.
    serveWeb: opts.serveWeb ?? false,
    outboxIntervalMs: 50,
  });
  await app.ready();
  captureStoredSecrets(app);
  return {
    app,
    db: database.db,
    database,
    keyring,
    logs,
    routes,
    close: () =>
      closeWithin(
        (async () => {
          await app.close();
          if (!opts.database) await database.close();
        })(),
        'the test app',
      ),
  };
}

export const TEST_PASSWORD = 'correct horse battery staple';
captureSecret(TEST_PASSWORD);

export interface SeededTenant {
  tenantId: string;
  admin: { id: string; email: string };
  technician: { id: string; email: string };
  viewer: { id: string; email: string };
  client: { id: string };
  clientUser: { id: string; email: string };
}

/** A tenant with an admin, a technician, a settings viewer, a client and a client-portal user. */
export async function seedTenant(db: Db, label = randomBytes(4).toString('hex')): Promise<SeededTenant> {
  return db.transaction().execute(async (trx) => {
    const { id: tenantId } = await createTenant(trx, `Tenant ${label}`);
    const mk = (who: string, roles: string[]) =>
      createUser(trx, tenantId, { email: `${who}@${label}.test`, displayName: `${who} ${label}`, userType: 'internal', password: TEST_PASSWORD, roleNames: roles });
    const admin = await mk('admin', ['Admin']);
    const technician = await mk('tech', ['Technician']);
    const viewer = await mk('viewer', ['Settings viewer']);
    const client = await trx.insertInto('clients').values({ tenant_id: tenantId, name: `Client of ${label}`, domains: [`${label}-client.test`] }).returning('id').executeTakeFirstOrThrow();
    const clientUser = await createUser(trx, tenantId, {
      email: `portal@${label}.test`,
      displayName: `Portal ${label}`,
      userType: 'client',
      clientId: client.id,
      password: TEST_PASSWORD,
    });
    return { tenantId, admin, technician, viewer, client, clientUser };
  });
}

export interface Session {
  cookie: string;
  csrfToken: string;
  /** Sends a request as this user, with the CSRF header on mutations. */
  request(method: string, url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function signIn(app: FastifyInstance, email: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${email} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)!.split(';')[0];
  const { csrfToken } = res.json() as { csrfToken: string };
  captureSecret(csrfToken);
  captureSecret(decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)));
  return {
    cookie,
    csrfToken,
    request: (method, url, payload, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        payload: payload as object | undefined,
        headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }), ...headers },
      }),
  };
}
