// Outlook's own events reach the PSA: Outlook sets a UUID-shaped transactionId of its own on the
// events made in it, so a transactionId must not count as "ours" (issue 16, item 1); and a mapping
// id that is not a UUID must not reach the uuid column and stop the whole page (item 2).
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { listScheduleEntries } from '@switchboard/core';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';
import { MAPPING_PROPERTY_ID } from '../adapters/graph-mapping.js';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-outlook');
const microsoft = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');

const providerRow = () => db.selectFrom('calendar_providers').selectAll().where('id', '=', microsoft.providerId).executeTakeFirstOrThrow();
await eventually(async () => (await providerRow()).last_sync_at);
const imported = await a.tech.request('PATCH', `/api/calendar/providers/${microsoft.providerId}`, { importUnmapped: true });
if (imported.statusCode !== 200) throw new Error(`importUnmapped answered ${imported.statusCode}`);

/** "Sync now", waited for. */
async function syncNow() {
  const before = (await providerRow()).last_sync_at?.getTime() ?? 0;
  const res = await a.tech.request('POST', `/api/calendar/providers/${microsoft.providerId}/sync`);
  if (res.statusCode !== 202) throw new Error(`sync now answered ${res.statusCode}`);
  await eventually(async () => ((await providerRow()).last_sync_at?.getTime() ?? 0) > before);
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** An event made in Outlook itself (the emulator's seeding), `offset` days from now. */
const inOutlook = (subject: string, offset: number, extra: Record<string, unknown> = {}) =>
  emulators.microsoft.calendar.seedEvent(a.microsoft.tenantId, a.microsoft.userId, {
    subject,
    start: { dateTime: `${day(offset)}T09:00:00`, timeZone: 'W. Europe Standard Time' },
    end: { dateTime: `${day(offset)}T10:00:00`, timeZone: 'W. Europe Standard Time' },
    ...extra,
  });

const titles = async () => {
  const page = await listScheduleEntries(db, a.tenantId, { from: day(-1), to: day(30), assigneeId: a.technician.id, limit: 100, offset: 0 });
  return page.items.map((e) => e.title);
};

t.test('an event made in Outlook, with the transactionId Outlook gave it, is imported', async (t) => {
  const seeded = inOutlook('Made in Outlook', 3);
  t.match(seeded.transactionId, /^[0-9a-f-]{36}$/, 'Outlook chose a UUID transactionId');
  await syncNow();
  t.ok((await titles()).includes('Made in Outlook'), 'imported');
  const mapping = await db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', microsoft.providerId).where('external_id', '=', String(seeded.id)).executeTakeFirst();
  t.equal(mapping?.status, 'synced', 'mapped to the Outlook event');
});

t.test('an event whose ids are not UUIDs is handled as foreign; the rest of the page applies and the cursor commits', async (t) => {
  const cursor = (await providerRow()).sync_cursor;
  inOutlook('Legacy transaction', 4, { transactionId: 'legacy-import-42' });
  inOutlook('Odd property', 5, { singleValueExtendedProperties: [{ id: MAPPING_PROPERTY_ID, value: "x' or 1=1 --" }] });
  inOutlook('Plain neighbour', 6);
  await syncNow();
  const now = await titles();
  for (const title of ['Legacy transaction', 'Odd property', 'Plain neighbour']) t.ok(now.includes(title), `${title} imported`);
  t.not((await providerRow()).sync_cursor, cursor, 'the page and its cursor were committed');
});

t.test('an event of ours whose mapping is gone is read before import and left alone; Outlook ids that no mapping has are imported', async (t) => {
  // Delta cannot show our extended property; only an event that would be imported is read for it.
  const orphan = randomUUID();
  inOutlook('Ours, mapping gone', 7, { transactionId: orphan, singleValueExtendedProperties: [{ id: MAPPING_PROPERTY_ID, value: orphan }] });
  inOutlook('Outlook again', 8);
  await syncNow();
  const now = await titles();
  t.notOk(now.includes('Ours, mapping gone'), 'our own event is not imported as a new entry');
  t.ok(now.includes('Outlook again'), 'the Outlook event is');
});
