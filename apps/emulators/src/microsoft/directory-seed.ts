// Deterministic partner data at scale: a partner (MSP) tenant, its customer tenants with company-like
// names and verified domains, and their users with the quirks a sync must handle (disabled accounts,
// mail different from the UPN, proxyAddresses, guests).
import type { AppRegistration, DirectoryStore, DirectoryTenant, DirectoryUser } from './directory-store.js';

export interface SeedPartnerOptions {
  customers?: number;
  usersPerCustomer?: number;
  seed?: number;
  partnerName?: string;
  /**
   * Customers with a chosen name, verified domains and people (besides `usersPerCustomer` generated
   * users each), added after the generated ones: a demo whose tenants line up with its PSA clients.
   */
  namedCustomers?: NamedCustomer[];
  /** The partner's multi-tenant app (the one that signs the partner admin in and reads customer tenants). */
  app?: Partial<Pick<AppRegistration, 'clientId' | 'clientSecrets' | 'redirectUris' | 'permissions' | 'displayName'>>;
}

export interface NamedCustomer {
  displayName: string;
  /** Verified; the first is the default. The tenant's <slug>.onmicrosoft.com is added. */
  domains: string[];
  /** Enabled members whose UPN and mail are `mail`. */
  people?: { displayName: string; mail: string; jobTitle?: string }[];
}

export interface SeededPartner {
  partner: DirectoryTenant;
  /** Partner admin: signs in on the consent page and holds GDAP access to every customer. */
  admin: DirectoryUser;
  app: AppRegistration;
  customers: DirectoryTenant[];
}

const BRANDS = ['Northwind', 'Contoso', 'Fabrikam', 'Adatum', 'Litware', 'Tailspin', 'Woodgrove', 'Proseware', 'Wingtip', 'Alpine Ski', 'Blue Yonder', 'Coho', 'Fourth Coffee', 'Lamna', 'Margie\'s', 'Trey', 'Wide World', 'Relecloud', 'Humongous', 'Lucerne', 'Datum', 'Southridge', 'Bellows', 'Graphic', 'Consolidated', 'First Up', 'Van Arsdel', 'Tasmanian', 'Munson\'s', 'Best For You'];
const TRADES = ['Traders', 'Logistics', 'Dental', 'Law', 'Plumbing', 'Holdings', 'Group', 'Consulting', 'Engineering', 'Hospital', 'Partners', 'Accounting', 'Insurance', 'Electrical', 'Residences', 'Pharmacy', 'Studios', 'Foods', 'Motors', 'Architects'];
const SUFFIXES = ['Inc.', 'Inc', 'LLC', 'Ltd', 'Limited', 'Corp.', 'Co.', 'PLC', 'Pty Ltd', 'GmbH', 'LLP', ''];
const TLDS = ['com', 'net', 'co.uk', 'com.au', 'de', 'io'];
const FIRST = ['Adele', 'Alex', 'Allan', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia', 'Lynne', 'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Sam', 'Zrinka', 'Ana', 'Bruno', 'Chen', 'Dmitri', 'Elif', 'Fatima', 'Giulia', 'Hiro', 'Ines', 'Jamal', 'Kofi', 'Lena', 'Mateo', 'Noor', 'Olga', 'Priya', 'Quinn', 'Rafael', 'Sofia', 'Tomás', 'Uma'];
const LAST = ['Vance', 'Wilber', 'Deyoung', 'Soto', 'Archie', 'Cueva', 'Kariuki', 'Lauer', 'Sherman', 'Gu', 'Holloway', 'Robbins', 'Bowen', 'Graham', 'Wilke', 'Fernandez', 'Gupta', 'Nguyen', 'Müller', 'Okafor', 'Rossi', 'Tanaka', 'Silva', 'Kowalski', 'Haddad', 'Larsen', 'Moreau', 'Ibrahim', 'Park', 'Schmidt'];
const TITLES = ['Retail Manager', 'Marketing Assistant', 'Developer', 'Office Manager', 'Accountant', 'Technician', 'Director', 'Receptionist', null];

/** mulberry32: small, fast and the same on every run for a given seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rand() * 4)];
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];
const slugOf = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]/g, '');

/** Seed a partner with `customers` customer tenants of `usersPerCustomer` users; same seed, same data. */
export function seedPartner(store: DirectoryStore, options: SeedPartnerOptions = {}): SeededPartner {
  const rand = random(options.seed ?? 1);
  const partnerName = options.partnerName ?? 'Switchboard Demo MSP';
  const partnerSlug = slugOf(partnerName);
  const partner = store.addTenant({ id: guid(rand), displayName: partnerName, domains: [`${partnerSlug}.com`] });
  const admin = store.addUser(partner.id, { id: guid(rand), displayName: 'Partner Admin', userPrincipalName: `admin@${partnerSlug}.com`, jobTitle: 'Owner' });
  for (const name of ['Tech One', 'Tech Two', 'Dispatch Desk']) {
    const local = name.toLowerCase().replace(/ /g, '.');
    store.addUser(partner.id, { id: guid(rand), displayName: name, userPrincipalName: `${local}@${partnerSlug}.com` });
  }
  const app = store.addApp({
    clientId: options.app?.clientId ?? guid(rand),
    displayName: options.app?.displayName ?? 'Switchboard',
    clientSecrets: options.app?.clientSecrets ?? [`secret-${guid(rand)}`],
    redirectUris: options.app?.redirectUris ?? ['http://localhost:3000/api/integrations/microsoft/callback'],
    homeTenantId: partner.id,
    multiTenant: true,
    permissions: options.app?.permissions ?? ['User.Read', 'Directory.Read.All', 'Calendars.ReadWrite', 'offline_access'],
  });

  const customers: DirectoryTenant[] = [];
  const usedNames = new Set<string>();
  const count = options.customers ?? 20;
  const perCustomer = options.usersPerCustomer ?? 25;
  for (let c = 0; c < count; c++) {
    let base = `${pick(rand, BRANDS)} ${pick(rand, TRADES)}`;
    for (let n = 2; usedNames.has(base); n++) base = `${base.replace(/ \d+$/, '')} ${n}`;
    usedNames.add(base);
    const suffix = pick(rand, SUFFIXES);
    const displayName = suffix ? `${base} ${suffix}` : base;
    const slug = slugOf(base);
    const domainCount = 1 + Math.floor(rand() * 3);
    const domains = Array.from({ length: domainCount }, (_, i) => ({ id: `${slug}${i === 2 ? 'group' : ''}.${TLDS[(c + i) % TLDS.length]}`, isDefault: i === 0, isInitial: false, isVerified: true }));
    // Some tenants also hold a domain that was added but never verified: it must not be matched on.
    if (rand() < 0.15) domains.push({ id: `${slug}-pending.com`, isDefault: false, isInitial: false, isVerified: false });
    domains.push({ id: `${slug}.onmicrosoft.com`, isDefault: false, isInitial: true, isVerified: true });
    const tenant = store.addTenant({ id: guid(rand), displayName, domains });
    customers.push(tenant);
    store.addRelationship(partner.id, tenant.id);
    store.addUsersUnchecked(tenant.id, generateUsers(rand, tenant, perCustomer));
  }
  // Their own generator, so adding named customers leaves the generated data of a seed unchanged.
  const namedRand = random((options.seed ?? 1) ^ 0x5eed);
  for (const named of options.namedCustomers ?? []) {
    const slug = slugOf(named.displayName);
    const domains = [...named.domains.map((id, i) => ({ id, isDefault: i === 0, isInitial: false, isVerified: true })), { id: `${slug}.onmicrosoft.com`, isDefault: false, isInitial: true, isVerified: true }];
    const tenant = store.addTenant({ id: guid(namedRand), displayName: named.displayName, domains });
    customers.push(tenant);
    store.addRelationship(partner.id, tenant.id);
    store.addUsersUnchecked(tenant.id, [...(named.people ?? []).map((person) => namedPerson(namedRand, tenant, person)), ...generateUsers(namedRand, tenant, perCustomer)]);
  }
  return { partner, admin, app, customers };
}

function namedPerson(rand: () => number, tenant: DirectoryTenant, person: NonNullable<NamedCustomer['people']>[number]): Omit<DirectoryUser, 'changeSeq'> {
  const [givenName, ...rest] = person.displayName.split(' ');
  return {
    id: guid(rand),
    tenantId: tenant.id,
    displayName: person.displayName,
    givenName,
    surname: rest.join(' ') || null,
    userPrincipalName: person.mail,
    mail: person.mail,
    accountEnabled: true,
    jobTitle: person.jobTitle ?? null,
    mobilePhone: null,
    businessPhones: [],
    otherMails: [],
    proxyAddresses: [`SMTP:${person.mail}`],
    userType: 'Member',
  };
}

function generateUsers(rand: () => number, tenant: DirectoryTenant, count: number): Omit<DirectoryUser, 'changeSeq'>[] {
  const verified = tenant.domains.filter((d) => d.isVerified && !d.isInitial).map((d) => d.id);
  const primary = verified[0];
  const initial = tenant.domains.find((d) => d.isInitial)!.id;
  const users: Omit<DirectoryUser, 'changeSeq'>[] = [];
  for (let i = 0; i < count; i++) {
    const givenName = pick(rand, FIRST);
    const surname = pick(rand, LAST);
    const local = `${givenName}.${surname}${i}`.toLowerCase().normalize('NFKD').replace(/[^a-z0-9.]/g, '');
    const roll = rand();
    const guest = roll < 0.02;
    const upn = guest ? `${local}_gmail.com#EXT#@${initial}` : `${local}@${primary}`;
    // About 10% have a mail on another domain than their UPN, 4% no mailbox at all.
    let mail: string | null = guest ? `${local}@gmail.com` : upn;
    if (!guest && roll > 0.9) mail = `${givenName.toLowerCase()}@${verified[verified.length - 1]}`.normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
    if (!guest && roll > 0.86 && roll <= 0.9) mail = null;
    const proxyAddresses = mail && rand() < 0.7 ? [`SMTP:${mail}`, `smtp:${local}@${initial}`] : [];
    users.push({
      id: guid(rand),
      tenantId: tenant.id,
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      userPrincipalName: upn,
      mail,
      accountEnabled: rand() >= 0.08,
      jobTitle: pick(rand, TITLES),
      mobilePhone: rand() < 0.5 ? `+1 425 555 ${String(1000 + i).slice(-4)}` : null,
      businessPhones: rand() < 0.6 ? [`+1 206 555 ${String(2000 + i).slice(-4)}`] : [],
      otherMails: guest ? [`${local}@gmail.com`] : [],
      proxyAddresses,
      userType: guest ? 'Guest' : 'Member',
    });
  }
  return users;
}
