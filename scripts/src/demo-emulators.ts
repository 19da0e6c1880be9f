// The offline demo's "Google" and "Microsoft": the emulators in the demo process on fixed loopback
// ports, seeded the same way on every start (their state lives in memory). The directory holds the
// demo MSP with the demo accounts, and the app registrations match the credentials the demo seeds
// into Switchboard (demo-data.ts), so MSP SSO, calendar connections and Entra all work offline.
// The DNS emulator is the demo's DNS for login-domain TXT records (its HTTP control publishes more).
import {
  startDnsControl,
  startDnsEmulator,
  startGoogleEmulator,
  startMicrosoftEmulator,
  type DnsEmulator,
  type GoogleEmulator,
  type MicrosoftEmulator,
  type SeedPartnerOptions,
} from '@switchboard/emulators';
import { DEMO_ADMIN, DEMO_TECHNICIANS } from './demo-data.js';

export const DEMO_DOMAIN = 'switchboard.local';

/** The demo MSP's own directory; a fixed id so the profile's authority stays valid across restarts. */
export const DEMO_DIRECTORY = { id: '5d0c6f3e-7a41-4c2b-9e55-2f7d8a1b0c01', displayName: 'Demo MSP' };

/** The demo's Azure app registration (multi-tenant): MSP SSO and Microsoft 365 calendars. */
export const DEMO_MICROSOFT_APP = {
  clientId: '0f5e2a7c-3b9d-4e61-8a24-6c1d9b7e5f02',
  clientSecret: 'demo~microsoft-app-secret-0123456789',
  displayName: 'Demo Microsoft app',
};

/** The partner's app for Entra (Direct): signs the partner admin in and reads the customer tenants. */
export const DEMO_PARTNER_APP = {
  clientId: '7a3c9e1f-2d4b-4f8a-b6e0-91c5d3a7f803',
  clientSecret: 'demo~partner-app-secret-9876543210',
  displayName: 'Demo partner app (Entra)',
};

export const DEMO_GOOGLE_CLIENT = {
  clientId: 'switchboard-demo.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-switchboard-demo-secret',
  name: 'Switchboard (demo)',
};

/**
 * The demo partner's customers that line up with the demo clients (demo-data.ts), so the mapping
 * step shows every case: two verified domains a client lists (auto matched), two names close to a
 * client's with no shared domain (to review), and the generated customers (no match). Maria Lopez's
 * address is on two Contoso Dental contacts, so the first sync puts her in the review queue.
 */
export const DEMO_ENTRA_CUSTOMERS: NonNullable<SeedPartnerOptions['namedCustomers']> = [
  {
    displayName: 'Contoso Dental Ltd',
    domains: ['contosodental.example'],
    people: [
      { displayName: 'Maria Lopez', mail: 'maria@contosodental.example', jobTitle: 'Practice Manager' },
      { displayName: 'Tom Reed', mail: 'tom@contosodental.example', jobTitle: 'Dentist' },
    ],
  },
  { displayName: 'Fabrikam, Inc.', domains: ['fabrikam.example'], people: [{ displayName: 'Priya Shah', mail: 'priya@fabrikam.example', jobTitle: 'IT Lead' }] },
  { displayName: 'Northwind Legal', domains: ['northwind-law.example'] },
  { displayName: 'Tailspin Architecture', domains: ['tailspin-architecture.example'] },
];

/** Entra partner data: 8 generated customer tenants and the named ones, 25 generated users each, the same on every start. */
export const DEMO_PARTNER = { customers: 8, usersPerCustomer: 25, seed: 7, namedCustomers: DEMO_ENTRA_CUSTOMERS };

// A function, not a constant: demo-data.ts imports this module too, and may be evaluated after it.
const demoPeople = () => [{ email: DEMO_ADMIN.email, displayName: DEMO_ADMIN.displayName }, ...DEMO_TECHNICIANS];

/** Directory user ids, fixed per account (the same person keeps the same id across restarts). */
const userId = (i: number) => `9b1e4c2a-0d3f-4a7b-8c5e-${String(i + 1).padStart(12, '0')}`;

export const redirectUris = (publicUrl: string) => ({
  mspSso: `${publicUrl}/api/auth/msp/sso/callback`,
  microsoftCalendar: `${publicUrl}/api/auth/microsoft/calendar/callback`,
  googleCalendar: `${publicUrl}/api/auth/google/calendar/callback`,
  entra: `${publicUrl}/api/integrations/entra/callback`,
});

/** Seeds a freshly started Microsoft emulator; returns the Entra partner admin's sign-in name. */
export function seedMicrosoft(ms: MicrosoftEmulator, publicUrl: string): { partnerAdmin: string } {
  const uris = redirectUris(publicUrl);
  ms.identity.addTenant({ id: DEMO_DIRECTORY.id, displayName: DEMO_DIRECTORY.displayName, domains: [DEMO_DOMAIN] });
  demoPeople().forEach((person, i) => ms.identity.addUser(DEMO_DIRECTORY.id, { id: userId(i), displayName: person.displayName, userPrincipalName: person.email }));
  ms.identity.addApp({
    clientId: DEMO_MICROSOFT_APP.clientId,
    displayName: DEMO_MICROSOFT_APP.displayName,
    clientSecrets: [DEMO_MICROSOFT_APP.clientSecret],
    redirectUris: [uris.mspSso, uris.microsoftCalendar],
    homeTenantId: DEMO_DIRECTORY.id,
    multiTenant: true,
    permissions: ['User.Read', 'Calendars.ReadWrite', 'offline_access'],
  });
  const partner = ms.directory.seedPartner({
    ...DEMO_PARTNER,
    app: { clientId: DEMO_PARTNER_APP.clientId, displayName: DEMO_PARTNER_APP.displayName, clientSecrets: [DEMO_PARTNER_APP.clientSecret], redirectUris: [uris.entra] },
  });
  return { partnerAdmin: partner.admin.userPrincipalName };
}

export function googleSeed(publicUrl: string) {
  return {
    clients: [{ ...DEMO_GOOGLE_CLIENT, redirectUris: [redirectUris(publicUrl).googleCalendar] }],
    accounts: demoPeople().map((p) => ({ email: p.email, name: p.displayName, timeZone: 'America/New_York' })),
  };
}

export interface DemoEmulators {
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
  /** Answers login-domain TXT lookups; the demo seed publishes the demo domain's value here. */
  dns: DnsEmulator;
  /** Base URL of the DNS emulator's HTTP control (PUT /_emulator/dns/txt/<name> {"records": [...]}). */
  dnsControlUrl: string;
  partnerAdmin: string;
  /** The variables that point Switchboard at the emulators (provider URLs and DNS servers). */
  env: Record<'MICROSOFT_LOGIN_URL' | 'MICROSOFT_GRAPH_URL' | 'GOOGLE_ACCOUNTS_URL' | 'GOOGLE_OAUTH2_URL' | 'GOOGLE_API_URL' | 'SWITCHBOARD_DNS_SERVERS', string>;
  close(): Promise<void>;
}

/** Starts and seeds the emulators on loopback; port 0 picks a free port (tests). */
export async function startDemoEmulators(opts: {
  publicUrl: string;
  googlePort: number;
  microsoftPort: number;
  /** UDP and TCP; 0 when absent. */
  dnsPort?: number;
  dnsControlPort?: number;
}): Promise<DemoEmulators> {
  // The Google seed is re-applied after every emulator reset, too.
  // Loopback mode: the demo serves Switchboard over http, whose webhooks real Google and Graph refuse.
  const google = await startGoogleEmulator({ port: opts.googlePort, seed: googleSeed(opts.publicUrl), allowHttpWebhooks: true });
  let microsoft: MicrosoftEmulator;
  try {
    microsoft = await startMicrosoftEmulator({ port: opts.microsoftPort, allowHttpWebhooks: true });
  } catch (err) {
    await google.close();
    throw err;
  }
  let dns: DnsEmulator;
  let dnsControl: Awaited<ReturnType<typeof startDnsControl>>;
  try {
    dns = await startDnsEmulator({ port: opts.dnsPort ?? 0 });
    dnsControl = await startDnsControl(dns, { port: opts.dnsControlPort ?? 0 }).catch(async (err) => {
      await dns.close();
      throw err;
    });
  } catch (err) {
    await Promise.all([google.close(), microsoft.close()]);
    throw err;
  }
  const { partnerAdmin } = seedMicrosoft(microsoft, opts.publicUrl);
  return {
    google,
    microsoft,
    dns,
    dnsControlUrl: dnsControl.url,
    partnerAdmin,
    env: {
      MICROSOFT_LOGIN_URL: microsoft.url,
      MICROSOFT_GRAPH_URL: microsoft.url,
      GOOGLE_ACCOUNTS_URL: google.url,
      GOOGLE_OAUTH2_URL: google.url,
      GOOGLE_API_URL: google.url,
      SWITCHBOARD_DNS_SERVERS: dns.server,
    },
    close: async () => {
      await Promise.all([google.close(), microsoft.close(), dnsControl.close(), dns.close()]);
    },
  };
}
