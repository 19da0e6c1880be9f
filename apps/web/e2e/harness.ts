// Browser test harness: the real API (built web app, embedded or PostgreSQL test database) on a
// loopback port, and Debian's chromium driven by playwright-core. Without chromium the tests say
// so and are skipped locally; in CI (CI=true) a missing browser is a failure.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp, loadConfig, loggerOptions } from '@switchboard/api';
import { captureLogStream, captureStoredSecrets, closeWithin, createTestDatabase, testDns, testKeyring } from '@switchboard/api/testing';
import type { FastifyInstance } from 'fastify';
import type { Db } from '@switchboard/core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../test-results', import.meta.url));

/** Why browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (install Debian's chromium package)`;
  if (!existsSync(`${DIST}/index.html`)) return `the web app is not built (${DIST}); run npm run build:web`;
  return null;
}

export interface WebServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

/** A free loopback port, so PUBLIC_URL (redirect URIs) can be known before the server starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startServer(edition: 'ce' | 'ee', env: Record<string, string> = {}): Promise<WebServer> {
  const database = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Login-domain TXT records resolve at the process's DNS emulator (testDns().setTxt publishes one).
  const dnsServer = (await testDns()).server;
  const config = loadConfig({ EDITION: edition, SWITCHBOARD_WORKERS: 'off', LOG_LEVEL: 'info', SWITCHBOARD_WEB_DIST: DIST, PUBLIC_URL: url, SWITCHBOARD_DNS_SERVERS: dnsServer, ...env });
  // Every line goes to the suite's log capture; warnings and errors are also printed.
  const stream = captureLogStream((line) => {
    if ((JSON.parse(line) as { level: number }).level >= 40) process.stdout.write(line);
  });
  const app = await buildApp({ config, database, keyring: testKeyring(), logger: { ...(loggerOptions(config.LOG_LEVEL) as object), stream } });
  captureStoredSecrets(app);
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    db: database.db,
    url,
    async close() {
      // app.close waits for inline workers' jobs (SWITCHBOARD_WORKERS=inline), which can outlast the
      // test the way the database pool can; both go under the one watchdog.
      await closeWithin(
        (async () => {
          await app.close();
          await database.close();
        })(),
        'the browser test server',
      );
    },
  };
}

/** Polls until `check` is truthy; jobs run in the background. Bounded, not timed. */
export async function eventually<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page that records console errors and saves a screenshot if the test fails. */
export async function openPage(t: Test, browser: Browser): Promise<{ page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Before sign-in the app asks GET /api/auth/session, which answers 401 by design; Chromium logs
    // every non-2xx resource as a console error. Any other failed request still counts.
    if (/status of 401/.test(m.text()) && m.location().url.endsWith('/api/auth/session')) return;
    consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  t.teardown(async () => {
    if (!t.passing()) {
      mkdirSync(RESULTS, { recursive: true });
      const name = t.fullname.replace(/[^a-z0-9]+/gi, '-').slice(0, 120);
      await page.screenshot({ path: `${RESULTS}/${name}.png`, fullPage: true }).catch(() => undefined);
    }
    await context.close();
  });
  return { page, consoleErrors };
}

export async function signInAs(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/`);
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#sign-out');
}

/** Every interactive element has a non-empty id, and no id appears twice on the page. */
export async function idProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" appears ${n} times`);
    const interactive = document.querySelectorAll('a, button, input, select, textarea, [role="tab"], [tabindex]');
    for (const el of interactive) {
      if (!el.id) problems.push(`<${el.tagName.toLowerCase()}> "${(el.textContent ?? '').trim().slice(0, 40)}" has no id`);
    }
    return problems;
  });
}
