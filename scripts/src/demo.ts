// `npm run demo`: an Enterprise Edition server on its own embedded database with a demo tenant,
// fully offline: the Google and Microsoft emulators run in this process on fixed loopback ports and
// Switchboard is pointed at them. The demo tenant's integrations (Microsoft profile bound to MSP
// SSO and Calendar, the verified login domain, the Google app) are seeded through the running
// server's API as the demo admin, so secrets go through the secret store like any admin's would.
import { migrateToLatest, openDatabase } from '@switchboard/db';
import { DEMO_ADMIN, seedDemo, seedDemoIntegrations, type DemoApi } from './demo-data.js';
import { DEMO_DOMAIN, startDemoEmulators } from './demo-emulators.js';

process.env.EDITION ??= 'ee';
process.env.SWITCHBOARD_DATA_DIR ??= './data/demo';
// The demo's providers are emulators on loopback; a production server refuses such URLs.
process.env.SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS ??= 'true';

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, got "${process.env[name]}"`);
    process.exit(1);
  }
  return value;
};
const serverPort = port('PORT', 3000);
// The same default as the server's config: redirect URIs registered at the emulators must match it.
const publicUrl = (process.env.PUBLIC_URL ?? `http://localhost:${serverPort}`).replace(/\/$/, '');

const emulators = await startDemoEmulators({
  publicUrl,
  googlePort: port('DEMO_GOOGLE_PORT', 4001),
  microsoftPort: port('DEMO_MICROSOFT_PORT', 4002),
  dnsPort: port('DEMO_DNS_PORT', 4053),
  dnsControlPort: port('DEMO_DNS_CONTROL_PORT', 4054),
});
Object.assign(process.env, emulators.env);
console.log(`Google emulator: ${emulators.google.url}   Microsoft emulator: ${emulators.microsoft.url}   DNS emulator: ${emulators.dns.server}`);

{
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.SWITCHBOARD_DATA_DIR });
  await migrateToLatest(database.db);
  const seeded = await seedDemo(database.db);
  await database.close();
  console.log(seeded ? 'Seeded the demo tenant.' : 'Demo tenant already present.');
}

// Resolves once the server listens (main.ts awaits listen at its top level).
await import('@switchboard/api/main');

/** The demo admin's session against the running server, over loopback. */
async function signInDemoAdmin(base: string): Promise<DemoApi> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }),
  });
  if (login.status !== 200) throw new Error(`signing in as ${DEMO_ADMIN.email} answered ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    async request(method, url, payload) {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }) },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      const body = await res.text();
      return { statusCode: res.status, body, json: () => JSON.parse(body) };
    },
  };
}

// Reach the server on loopback unless it listens on one specific address.
const host = !process.env.HOST || ['0.0.0.0', '::'].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST;
try {
  const done = await seedDemoIntegrations(await signInDemoAdmin(`http://${host.includes(':') ? `[${host}]` : host}:${serverPort}`), emulators.dns);
  console.log(done.length ? `Set up the demo integrations: ${done.join(', ')}.` : 'Demo integrations already set up.');
} catch (err) {
  // The server keeps running; only the offline integrations are missing.
  console.error(`Could not set up the demo integrations: ${(err as Error).message}`);
}

console.log(`
Open ${publicUrl} and sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}
(technicians: alex.tech@, sam.tech@, jo.tech@${DEMO_DOMAIN}, same password),
or use "Sign in with Microsoft" with any of these addresses (the emulator's consent page asks no password).
Login domains verify against the demo DNS: publish a TXT record for another domain with
  curl -X PUT ${emulators.dnsControlUrl}/_emulator/dns/txt/<domain> -H 'content-type: application/json' -d '{"records": ["<value shown in Settings>"]}'
Profile → Calendar connects Google or Microsoft 365 calendars in the emulators.
Entra (Settings → Integrations → Microsoft Entra; the demo turns its feature flags on): connect with
the profile "Demo partner app (Entra)" and sign in as ${emulators.partnerAdmin}.`);
