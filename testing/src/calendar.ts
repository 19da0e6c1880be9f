// Test support for calendar sync: the EE server against the Google and Microsoft emulators, a
// tenant whose admin configured both providers, and connecting a technician's calendar the way a
// browser does (create → connect → consent page → callback). Used by the calendar-ee tests and the
// calendar benchmarks; Enterprise Edition only.
import type { Test } from 'tap';
import getPort from 'get-port';
import type { DatabaseHandle } from '@switchboard/db';
import type { Keyring } from '@switchboard/core';
import { completeMicrosoftConsent, startGoogleEmulator, startMicrosoftEmulator, submitGoogleConsent, type GoogleEmulator, type MicrosoftEmulator } from '@switchboard/emulators';
import { buildTestApp, seedTenant, signIn, type Session, type SeededTenant, type TestApp } from './index.js';

export { eventually } from './eventually.js';

export const PUBLIC_URL = 'http://switchboard.test';
export const GOOGLE_SECRET = 'GOCSPX-calendar-test-secret-value';
export const MICROSOFT_SECRET = 'Ms~calendar-test-secret-value-123';

/** How to close each app started in this test file: the emulators' teardown closes them first. */
const appClosers: (() => Promise<void>)[] = [];

export interface Emulators {
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
}

export async function startEmulators(t: Test): Promise<Emulators> {
  // Loopback mode: the app's webhook URLs here are plain http, which the real providers refuse.
  const [google, microsoft] = await Promise.all([startGoogleEmulator({ allowHttpWebhooks: true }), startMicrosoftEmulator({ allowHttpWebhooks: true })]);
  // Closed after the app (see startCalendarApp): while the app's jobs still call them, closing the
  // emulators first would leave those calls retrying against a closed port.
  t.teardown(async () => {
    await Promise.all(appClosers.map((close) => close()));
    await Promise.all([google.close(), microsoft.close()]);
  });
  return { google, microsoft };
}

export interface CalendarApp extends TestApp {
  /** Where providers and browsers reach the app (a real listening address when `listen` was asked for). */
  publicUrl: string;
}

/** The EE app with workers; `listen` makes it reachable by the emulators' webhooks. */
export async function startCalendarApp(t: Test, emulators: Emulators, opts: { listen?: boolean; sweepMinutes?: number; env?: Record<string, string>; database?: DatabaseHandle; keyring?: Keyring; workers?: boolean } = {}): Promise<CalendarApp> {
  // Chosen before the app starts, so PUBLIC_URL (redirect and webhook URLs) can name it.
  const port = opts.listen ? await getPort({ host: '127.0.0.1' }) : 0;
  const publicUrl = opts.listen ? `http://127.0.0.1:${port}` : PUBLIC_URL;
  const ctx = await buildTestApp({
    edition: 'ee',
    // `workers: false`: no job runs by itself; the test calls the sync services in the order it wants.
    runWorkers: opts.workers ?? true,
    database: opts.database,
    keyring: opts.keyring,
    env: {
      PUBLIC_URL: publicUrl,
      // The providers are the emulators (loopback mode), so push works over http; '' turns it off.
      SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true',
      ...(opts.sweepMinutes ? { CALENDAR_SWEEP_MINUTES: String(opts.sweepMinutes) } : {}),
      MICROSOFT_LOGIN_URL: emulators.microsoft.url,
      MICROSOFT_GRAPH_URL: emulators.microsoft.url,
      GOOGLE_ACCOUNTS_URL: emulators.google.url,
      GOOGLE_OAUTH2_URL: emulators.google.url,
      GOOGLE_API_URL: emulators.google.url,
      ...opts.env,
    },
  });
  // Close the app (its workers first) before the emulators, whichever teardown runs first.
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= ctx.close());
  appClosers.push(close);
  t.teardown(close);
  if (opts.listen) await ctx.app.listen({ host: '127.0.0.1', port });
  return { ...ctx, publicUrl };
}

export interface CalendarTenant extends SeededTenant {
  admin: SeededTenant['admin'] & { session: Session };
  tech: Session;
  domain: string;
  /** The technician in the Microsoft emulator's directory (their mailbox). */
  microsoft: { tenantId: string; userId: string };
}

/** A tenant with the Google app and a Microsoft profile bound to Calendar, both known to the emulators. */
export async function setupTenant(ctx: TestApp & { publicUrl?: string }, emulators: Emulators, label: string): Promise<CalendarTenant> {
  const publicUrl = ctx.publicUrl ?? PUBLIC_URL;
  const seeded = await seedTenant(ctx.db, label);
  const admin = await signIn(ctx.app, seeded.admin.email);
  const googleClientId = `${label}.apps.googleusercontent.com`;
  emulators.google.addClient({ clientId: googleClientId, clientSecret: GOOGLE_SECRET, redirectUris: [`${publicUrl}/api/auth/google/calendar/callback`] });
  emulators.google.addAccount({ email: seeded.technician.email });
  await expectOk(admin.request('PUT', '/api/calendar/settings', { googleClientId, googleClientSecret: GOOGLE_SECRET }));

  const domain = `${label}.test`;
  const directory = emulators.microsoft.identity.addTenant({ displayName: `MSP ${label}`, domains: [domain] });
  const msTech = emulators.microsoft.identity.addUser(directory.id, { displayName: 'Tech', userPrincipalName: seeded.technician.email });
  const registration = emulators.microsoft.identity.addApp({
    homeTenantId: directory.id,
    clientSecrets: [MICROSOFT_SECRET],
    redirectUris: [`${publicUrl}/api/auth/microsoft/calendar/callback`],
    multiTenant: true,
    permissions: ['Calendars.ReadWrite', 'User.Read'],
  });
  const profile = (await expectOk(admin.request('POST', '/api/microsoft/profiles', { displayName: 'Calendar app', clientId: registration.clientId, clientSecret: MICROSOFT_SECRET }))).json();
  await expectOk(admin.request('PUT', '/api/microsoft/consumers/calendar/binding', { profileId: profile.id }));
  return {
    ...seeded,
    admin: { ...seeded.admin, session: admin },
    tech: await signIn(ctx.app, seeded.technician.email),
    domain,
    microsoft: { tenantId: directory.id, userId: msTech.id },
  };
}

async function expectOk<T extends { statusCode: number; body: string }>(pending: Promise<T>): Promise<T> {
  const res = await pending;
  if (res.statusCode >= 300) throw new Error(`setup request failed: ${res.statusCode} ${res.body}`);
  return res;
}

/** Create (when needed) and connect a calendar; returns the callback's redirect and the provider id. */
export async function connectCalendar(ctx: TestApp, emulators: Emulators, session: Session, email: string, providerType: 'google' | 'microsoft') {
  const created = await session.request('POST', '/api/calendar/providers', { providerType });
  const providerId: string = created.statusCode === 201 ? created.json().id : created.json().providerId;
  const { authorizeUrl } = (await expectOk(session.request('POST', `/api/calendar/providers/${providerId}/connect`))).json();
  const back =
    providerType === 'google' ? await submitGoogleConsent(authorizeUrl, { email }) : new URL((await completeMicrosoftConsent(authorizeUrl, { login: email })).location);
  const callback = await ctx.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie: session.cookie } });
  return { providerId, location: String(callback.headers.location), callbackUrl: back.pathname + back.search };
}
