// A cursor reset must not lose deletions: after Google's 410 fullSyncRequired, Graph's 410
// syncStateNotFound or a Graph `missed` lifecycle event the window is listed again, and a fresh
// listing carries no deletions. Events deleted meanwhile must still leave the PSA; an event only
// moved out of the window must not.
import t from 'tap';
import { createScheduleEntry, getScheduleEntry } from '@switchboard/core';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-recovery');
const google = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
const microsoft = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');

const lastSync = async (providerId: string) =>
  (await db.selectFrom('calendar_providers').select('last_sync_at').where('id', '=', providerId).executeTakeFirstOrThrow()).last_sync_at?.getTime() ?? 0;
await eventually(async () => (await lastSync(google.providerId)) > 0 && (await lastSync(microsoft.providerId)) > 0);

/** "Sync now", waited for: the whole-connection sync pulls first, then pushes. */
async function syncNow(providerId: string) {
  const before = await lastSync(providerId);
  const res = await a.tech.request('POST', `/api/calendar/providers/${providerId}/sync`);
  if (res.statusCode !== 202) throw new Error(`sync now answered ${res.statusCode}`);
  await eventually(async () => (await lastSync(providerId)) > before);
}

const mappingOf = (providerId: string, entryId: string) =>
  db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();
const entryOf = (id: string) => getScheduleEntry(db, a.tenantId, id).catch(() => null);

let n = 0;
/** An entry of the technician's, once it is in both calendars. */
async function syncedEntry() {
  n += 1;
  const entry = await db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title: `Recovery ${n}`,
      notes: null,
      start: '2026-12-15T09:00:00.000Z',
      end: '2026-12-15T10:00:00.000Z',
      timeZone: 'UTC',
      allDay: false,
      recurrence: null,
      assigneeIds: [a.technician.id],
      workItemType: 'ad_hoc',
    } as Parameters<typeof createScheduleEntry>[3]),
  );
  const [g, m] = await Promise.all(
    [google.providerId, microsoft.providerId].map((providerId) =>
      eventually(async () => {
        const mapping = await mappingOf(providerId, entry.id);
        return mapping?.status === 'synced' ? mapping : null;
      }),
    ),
  );
  return { entry, google: g.external_id!, microsoft: m.external_id! };
}

/** Graph calls as another app of the technician's would make them (Outlook on the web, say). */
async function graph(method: 'PATCH' | 'DELETE', eventId: string, body?: Record<string, unknown>) {
  const { token } = emulators.microsoft.tokens.issue({ tenantId: a.microsoft.tenantId, clientId: 'outlook-web', userId: a.microsoft.userId, scopes: ['Calendars.ReadWrite'] });
  const res = await fetch(`${emulators.microsoft.url}/v1.0/me/events/${eventId}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`Graph ${method} answered ${res.status}`);
}

// Two years ahead: outside the sync window (a year ahead at most).
const OUT_OF_WINDOW = { start: '2028-12-15T09:00:00', end: '2028-12-15T10:00:00' };

t.test('Google: after 410 fullSyncRequired, an event deleted meanwhile leaves the PSA; one moved out of the window stays', async (t) => {
  const [deleted, moved, kept] = [await syncedEntry(), await syncedEntry(), await syncedEntry()];
  await syncNow(google.providerId);
  // Deleted long enough ago that Google no longer lists its tombstone, and the sync token expired.
  emulators.google.deleteEvent(a.technician.email, deleted.google);
  emulators.google.context.store.purge(a.technician.email, deleted.google);
  emulators.google.changeEvent(a.technician.email, moved.google, { start: { dateTime: `${OUT_OF_WINDOW.start}Z` }, end: { dateTime: `${OUT_OF_WINDOW.end}Z` } });
  emulators.google.expireSyncTokens();

  await syncNow(google.providerId);
  t.equal(await entryOf(deleted.entry.id), null, 'the entry deleted in the calendar is gone from the PSA');
  t.equal(await mappingOf(google.providerId, deleted.entry.id), undefined, 'and so is its mapping');
  t.equal((await entryOf(moved.entry.id))?.start, '2028-12-15T09:00:00.000Z', 'the moved entry stays, at its new time');
  t.ok(await entryOf(kept.entry.id), 'an untouched entry stays');
  t.ok((await db.selectFrom('calendar_providers').select('sync_cursor').where('id', '=', google.providerId).executeTakeFirstOrThrow()).sync_cursor, 'a new cursor is stored');
});

t.test('Graph: after 410 syncStateNotFound, an event deleted meanwhile leaves the PSA; one moved out of the window stays', async (t) => {
  const [deleted, moved, kept] = [await syncedEntry(), await syncedEntry(), await syncedEntry()];
  await syncNow(microsoft.providerId);
  await graph('DELETE', deleted.microsoft);
  await graph('PATCH', moved.microsoft, { start: { dateTime: OUT_OF_WINDOW.start, timeZone: 'UTC' }, end: { dateTime: OUT_OF_WINDOW.end, timeZone: 'UTC' } });
  emulators.microsoft.calendar.expireDeltaTokens();

  await syncNow(microsoft.providerId);
  t.equal(await entryOf(deleted.entry.id), null, 'the entry deleted in Outlook is gone from the PSA');
  t.equal((await entryOf(moved.entry.id))?.start, '2028-12-15T09:00:00.000Z', 'the moved entry stays, at its new time');
  t.ok(await entryOf(kept.entry.id), 'an untouched entry stays');
});

t.test('Graph `missed` lifecycle event: the pull re-lists and reconciles', async (t) => {
  const deleted = await syncedEntry();
  await syncNow(microsoft.providerId);
  await graph('DELETE', deleted.microsoft);
  // What the lifecycle webhook enqueues for `missed` (webhooks.ts): a pull that forgets the cursor.
  await app.jobs.send('calendar.pull-provider', { tenantId: a.tenantId, providerId: microsoft.providerId, reset: true });
  await eventually(async () => (await entryOf(deleted.entry.id)) === null);
  t.pass('the deletion reached the PSA');
});
