// What the Entra tests share: an EE app against the Microsoft emulator with a seeded partner, a PSA
// tenant with the Entra flags on, a Direct connection made through the emulator's consent page, and
// a wait for a sync run to finish. Used by the entra-ee tests and the Entra benchmark; Enterprise
// Edition only.
import type { Test } from 'tap';
import { FEATURE_FLAGS } from '@switchboard/core';
import type { DatabaseHandle } from '@switchboard/db';
import { completeMicrosoftConsent, type MicrosoftEmulator, type SeededPartner } from '@switchboard/emulators';
import { eventually } from './eventually.js';
import { buildTestApp, seedTenant, signIn, type Session } from './index.js';

export const PUBLIC_URL = 'http://switchboard.test:3000';
export const CLIENT_SECRET = 'Entra~partner-app-secret-never-logged-77';
export const CALLBACK = '/api/integrations/entra/callback';
export const ALL_FLAGS = FEATURE_FLAGS.map((f) => f.key);

export function seedPartnerFor(ms: MicrosoftEmulator, options: { customers: number; usersPerCustomer: number; seed: number }): SeededPartner {
  return ms.directory.seedPartner({ ...options, partnerName: `MSP ${options.seed}`, app: { clientSecrets: [CLIENT_SECRET], redirectUris: [`${PUBLIC_URL}${CALLBACK}`] } });
}

export async function entraApp(t: Test, ms: MicrosoftEmulator, opts: { database?: DatabaseHandle; label?: string; env?: Record<string, string> } = {}) {
  const ctx = await buildTestApp({
    edition: 'ee',
    runWorkers: true,
    database: opts.database,
    // The CIPP emulator listens on loopback, which only this dev/test setting lets a CIPP URL reach.
    env: { PUBLIC_URL, MICROSOFT_LOGIN_URL: ms.url, MICROSOFT_GRAPH_URL: ms.url, LOG_LEVEL: 'info', SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true', ...opts.env },
  });
  t.teardown(ctx.close);
  return ctx;
}

export async function setFlags(admin: Session, flags: string[], enabled: boolean) {
  for (const flag of flags) {
    const res = await admin.request('PUT', `/api/feature-flags/${flag}`, { enabled });
    if (res.statusCode !== 200) throw new Error(`flag ${flag}: ${res.statusCode} ${res.body}`);
  }
}

export async function seedEntraTenant(app: Awaited<ReturnType<typeof entraApp>>['app'], db: Awaited<ReturnType<typeof entraApp>>['db'], label: string) {
  const seeded = await seedTenant(db, label);
  const admin = await signIn(app, seeded.admin.email);
  await setFlags(admin, ALL_FLAGS, true);
  return { seeded, admin };
}

/** Profile → connect → the emulator's consent page → our callback, as the admin's browser would. */
export async function connectDirect(admin: Session, partner: SeededPartner) {
  const profile = await admin.request('POST', '/api/microsoft/profiles', { displayName: `Partner app ${partner.partner.id.slice(0, 4)}`, clientId: partner.app.clientId, authorityTenant: 'organizations', clientSecret: CLIENT_SECRET });
  if (profile.statusCode !== 201) throw new Error(`profile: ${profile.statusCode} ${profile.body}`);
  const start = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'direct', profileId: profile.json().id });
  if (start.statusCode !== 200) throw new Error(`connect: ${start.statusCode} ${start.body}`);
  const consent = await completeMicrosoftConsent(start.json().redirectUrl, { login: partner.admin.userPrincipalName });
  const back = new URL(consent.location);
  const callback = await admin.request('GET', back.pathname + back.search);
  return { profileId: profile.json().id as string, callback, redirectUrl: start.json().redirectUrl as string };
}

export function waitForRun(admin: Session, runId: string, timeoutMs = 120_000) {
  return eventually(
    async () => {
      const run = (await admin.request('GET', `/api/integrations/entra/runs/${runId}`)).json();
      return !['queued', 'running'].includes(run.status) && run;
    },
    timeoutMs,
    `run ${runId} finishing`,
  );
}
