// Browser test support: the real API serving the built web app on a loopback port, and Debian's
// chromium driven by playwright-core. Without chromium (or without the built app) a browser test
// file says why and runs no test; in CI (CI=true) that is a failure instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import getPort from 'get-port';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildTestApp, type TestApp } from './index.js';

export { eventually } from './eventually.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
/** Where browser tests save screenshots: test-results/ at the top of the checkout. */
export const RESULTS = fileURLToPath(new URL('../../test-results', import.meta.url));

/** Why browser tests cannot run here, or null when they can. */
function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (install Debian's chromium package)`;
  if (!existsSync(`${DIST}/index.html`)) return `the web app is not built (${DIST}); run npm run build:web`;
  return null;
}

/**
 * The browser for a test file, closed when the file ends; or null, having planned no tests and
 * said why, where browser tests cannot run. In CI a missing browser fails the file.
 */
export async function browserOrSkip(t: Test): Promise<Browser | null> {
  const unavailable = browserUnavailable();
  if (unavailable && process.env.CI) throw new Error(`Browser tests must run in CI: ${unavailable}`);
  if (unavailable) {
    t.plan(0, `browser tests skipped: ${unavailable}`);
    return null;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return browser;
}

export interface WebServer extends TestApp {
  url: string;
}

/** The app serving the built web app on a free loopback port; inline workers with `SWITCHBOARD_WORKERS: 'inline'` in `env`. */
export async function startServer(edition: 'ce' | 'ee', env: Record<string, string> = {}): Promise<WebServer> {
  // Chosen before the app starts, so PUBLIC_URL (redirect URIs) can name it.
  const port = await getPort({ host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  const ctx = await buildTestApp({ edition, serveWeb: true, env: { SWITCHBOARD_WEB_DIST: DIST, PUBLIC_URL: url, ...env } });
  await ctx.app.listen({ host: '127.0.0.1', port });
  return { ...ctx, url };
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
