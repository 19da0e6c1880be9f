// The demo tenant: an MSP with technicians, client companies with contacts, and a week of schedule.
import { DateTime } from 'luxon';
import { createClient, createContact, createScheduleEntry, createTenant, createUser, type Db } from '@switchboard/core';

export const DEMO_ADMIN = { email: 'demo@switchboard.local', password: 'switchboard-demo' };

const TECHNICIANS = [
  { email: 'alex.tech@switchboard.local', displayName: 'Alex Morgan' },
  { email: 'sam.tech@switchboard.local', displayName: 'Sam Patel' },
  { email: 'jo.tech@switchboard.local', displayName: 'Jo Becker' },
];

const CLIENTS = [
  { name: 'Contoso Dental', domains: ['contosodental.example'], contacts: ['Maria Lopez|Practice Manager', 'Tom Reed|Dentist'] },
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
    const admin = await createUser(trx, tenantId, { ...DEMO_ADMIN, displayName: 'Dana Admin', userType: 'internal', roleNames: ['Admin'] });
    const techs = [];
    for (const t of TECHNICIANS) {
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
