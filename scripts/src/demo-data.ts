// The demo tenant: an MSP with technicians, client companies with contacts, and a week of schedule;
// and its integration settings (Microsoft profile and bindings, SSO login domain, Entra flags, Google
// app) that match the emulators started by demo-emulators.ts.
import { DateTime } from 'luxon';
import { createClient, createContact, createScheduleEntry, createTenant, createUser, type Db } from '@switchboard/core';
import { DEMO_DIRECTORY, DEMO_DOMAIN, DEMO_GOOGLE_CLIENT, DEMO_MICROSOFT_APP, DEMO_PARTNER_APP } from './demo-emulators.js';

export const DEMO_ADMIN = { email: 'demo@switchboard.local', password: 'switchboard-demo', displayName: 'Dana Admin' };

export const DEMO_TECHNICIANS = [
  { email: 'alex.tech@switchboard.local', displayName: 'Alex Morgan' },
  { email: 'sam.tech@switchboard.local', displayName: 'Sam Patel' },
  { email: 'jo.tech@switchboard.local', displayName: 'Jo Becker' },
];

const CLIENTS = [
  // Two records of one person, as PSAs collect: both have maria@contosodental.example (see DEMO_ENTRA_CUSTOMERS).
  { name: 'Contoso Dental', domains: ['contosodental.example'], contacts: ['Maria Lopez|Practice Manager', 'Tom Reed|Dentist', 'Maria Lopez-Garcia|Front Desk'] },
  { name: 'Fabrikam Logistics', domains: ['fabrikam.example', 'fabrikam-logistics.example'], contacts: ['Priya Shah|IT Lead', 'Owen Hart|CFO', 'Lena Vogel|Dispatcher'] },
  { name: 'Northwind Legal LLP', domains: ['northwindlegal.example'], contacts: ['Grace Kim|Office Manager', 'Daniel Ruiz|Partner'] },
  { name: 'Tailspin Architects', domains: ['tailspin.example'], contacts: ['Ivy Chen|Principal', 'Marco Rossi|Studio Admin'] },
  { name: 'Woodgrove Clinic', domains: ['woodgroveclinic.example'], contacts: ['Nora Ali|Administrator', 'Ben Cole|Nurse Lead'] },
];

const VISITS = ['Quarterly network review', 'Firewall firmware update', 'New starter laptop setup', 'Backup restore test', 'Printer fleet check', 'Microsoft 365 licence review'];

/** Seeds the demo tenant unless it exists; returns whether it seeded. */
export async function seedDemo(db: Db, now: DateTime = DateTime.now()): Promise<boolean> {
  const exists = await db.selectFrom('users').select('id').where('email', '=', DEMO_ADMIN.email).executeTakeFirst();
  if (exists) return false;
  await db.transaction().execute(async (trx) => {
    const { id: tenantId } = await createTenant(trx, 'Demo MSP');
    const admin = await createUser(trx, tenantId, { ...DEMO_ADMIN, userType: 'internal', roleNames: ['Admin'] });
    const techs = [];
    for (const t of DEMO_TECHNICIANS) {
      techs.push(await createUser(trx, tenantId, { ...t, password: DEMO_ADMIN.password, userType: 'internal', roleNames: ['Technician'] }));
    }
    const clients = [];
    for (const c of CLIENTS) {
      const client = await createClient(trx, tenantId, { name: c.name, domains: c.domains });
      clients.push(client);
      for (const person of c.contacts) {
        const [fullName, jobTitle] = person.split('|');
        const email = `${fullName.split(' ')[0].toLowerCase()}@${c.domains[0]}`;
        await createContact(trx, tenantId, { clientId: client.id, fullName, jobTitle, email, isInactive: false });
      }
    }
    // A working week from this Monday, two visits a day, in the MSP's time zone.
    const zone = 'America/New_York';
    const monday = now.setZone(zone).startOf('week');
    for (let day = 0; day < 5; day++) {
      for (const [slot, hour] of [9, 14].entries()) {
        const i = day * 2 + slot;
        const start = monday.plus({ days: day }).set({ hour, minute: 0 });
        await createScheduleEntry(trx, tenantId, admin.id, {
          title: `${VISITS[i % VISITS.length]} — ${clients[i % clients.length].name}`,
          notes: 'Seeded by npm run demo.',
          start: start.toISO()!,
          end: start.plus({ hours: slot === 0 ? 2 : 1.5 }).toISO()!,
          timeZone: zone,
          allDay: false,
          workItemType: 'appointment',
          assigneeIds: [techs[i % techs.length].id],
        });
      }
    }
    await createScheduleEntry(trx, tenantId, admin.id, {
      title: 'Team stand-up',
      start: monday.set({ hour: 8, minute: 30 }).toISO()!,
      end: monday.set({ hour: 8, minute: 45 }).toISO()!,
      timeZone: zone,
      allDay: false,
      recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      workItemType: 'ad_hoc',
      assigneeIds: techs.map((t) => t.id),
    });
    await createScheduleEntry(trx, tenantId, admin.id, {
      title: 'On-call handover day',
      start: monday.plus({ days: 4 }).toISODate()!,
      end: monday.plus({ days: 5 }).toISODate()!,
      timeZone: zone,
      allDay: true,
      workItemType: 'ad_hoc',
      assigneeIds: [techs[0].id],
    });
  });
  return true;
}

/** What seeding needs from the API: a signed-in demo admin's requests (CSRF handled by the caller). */
export interface DemoApi {
  request(method: string, url: string, payload?: unknown): Promise<{ statusCode: number; body: string; json(): any }>;
}

/** Where the demo publishes its login domain's TXT record: the demo DNS emulator. */
export interface DemoDns {
  setTxt(name: string, records: string[]): void;
}

interface LoginDomain {
  id: string;
  domain: string;
  status: string;
  verification: { name: string; value: string };
}

async function call(api: DemoApi, method: string, url: string, payload?: unknown) {
  const res = await api.request(method, url, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/**
 * The demo tenant's integrations, through the API as the demo admin (so secrets go through the
 * secret store and every change is validated and audited). Each step runs only when its setting is
 * missing: a restart restores what is missing and changes nothing else. Returns what it did.
 */
export async function seedDemoIntegrations(api: DemoApi, dns: DemoDns): Promise<string[]> {
  const done: string[] = [];
  const profiles: { id: string; displayName: string }[] = (await call(api, 'GET', '/api/microsoft/profiles?includeArchived=true')).items;
  const ensureProfile = async (app: { displayName: string; clientId: string; clientSecret: string }, authorityTenant: string) => {
    const found = profiles.find((p) => p.displayName === app.displayName);
    if (found) return found.id;
    done.push(`Microsoft profile "${app.displayName}"`);
    return (await call(api, 'POST', '/api/microsoft/profiles', { displayName: app.displayName, clientId: app.clientId, authorityTenant, clientSecret: app.clientSecret })).id as string;
  };
  const profileId = await ensureProfile(DEMO_MICROSOFT_APP, DEMO_DIRECTORY.id);
  // Entra (Direct) picks its profile when the admin connects; the partner app signs in from any directory.
  await ensureProfile(DEMO_PARTNER_APP, 'organizations');

  const consumers: { consumer: string; binding: unknown }[] = (await call(api, 'GET', '/api/microsoft/consumers')).consumers;
  for (const consumer of ['msp_sso', 'calendar']) {
    if (consumers.find((c) => c.consumer === consumer)?.binding) continue;
    await call(api, 'PUT', `/api/microsoft/consumers/${consumer}/binding`, { profileId });
    done.push(`${consumer} bound to "${DEMO_MICROSOFT_APP.displayName}"`);
  }

  // The demo DNS lives in memory: on every start it publishes the domain's TXT value again, so the
  // domain verifies the real way and the periodic re-check keeps finding the record.
  const domains: LoginDomain[] = (await call(api, 'GET', '/api/msp-sso/domains')).items;
  let domain = domains.find((d) => d.domain === DEMO_DOMAIN && d.status !== 'disabled');
  if (!domain) domain = (await call(api, 'POST', '/api/msp-sso/domains', { domain: DEMO_DOMAIN })) as LoginDomain;
  dns.setTxt(domain.verification.name, [domain.verification.value]);
  if (domain.status === 'pending') {
    await call(api, 'POST', `/api/msp-sso/domains/${domain.id}/verify`);
    done.push(`login domain ${DEMO_DOMAIN} verified`);
  }

  // Entra sync sits behind feature flags: the demo turns them on, unless its admin set one either way.
  const flags: { key: string; tenantOverride: boolean | null }[] = (await call(api, 'GET', '/api/feature-flags')).items;
  const entraFlags = flags.filter((f) => f.key.startsWith('entra-integration-') && f.tenantOverride === null);
  for (const flag of entraFlags) await call(api, 'PUT', `/api/feature-flags/${flag.key}`, { enabled: true });
  if (entraFlags.length) done.push(`Entra feature flags on: ${entraFlags.map((f) => f.key).join(', ')}`);

  const settings = await call(api, 'GET', '/api/calendar/settings');
  if (!settings.google?.clientId) {
    await call(api, 'PUT', '/api/calendar/settings', { googleClientId: DEMO_GOOGLE_CLIENT.clientId, googleClientSecret: DEMO_GOOGLE_CLIENT.clientSecret });
    done.push('Google calendar app');
  }
  return done;
}
