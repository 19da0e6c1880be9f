// A cursor reset must not lose deletions: after Google's 410 fullSyncRequired, Graph's 410
// syncStateNotFound or a Graph `missed` lifecycle event the window is listed again, and a fresh
// listing carries no deletions. Events deleted meanwhile must still leave the PSA; an event only
// moved out of the window must not.
import t from 'tap';
import { createScheduleEntry, getScheduleEntry } from '@switchboard/core';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';
import type { CalendarAdapter } from '../adapters/types.js';
import { createAdapterFactory } from './adapter-factory.js';
import { pushEntry } from './push.js';
import { syncProvider } from './sync-run.js';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-recovery');
const google = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
const microsoft = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');

const lastSync = async (providerId: string) =>
  (await db.selectFrom('calendar_providers').select('last_sync_at').where('id', '=', providerId).executeTakeFirstOrThrow()).last_sync_at?.getTime() ?? 0;
await eventually(async () => (await lastSync(google.providerId)) > 0 && (await lastSync(microsoft.providerId)) > 0);

const adapterFor = createAdapterFactory({ db, secrets: app.secrets, providerUrls: app.coreOptions.providerUrls, publicUrl: app.coreOptions.publicUrl, resolveMicrosoft: (tenantId) => app.microsoft.resolveConsumerProfile(tenantId, 'calendar') });

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

t.test('a whole-connection sync re-creates what Outlook lost, but not an event deleted there after its pull read the changes', async (t) => {
  const [deleted, lost] = [await syncedEntry(), await syncedEntry()];
  await syncNow(microsoft.providerId);
  // The mailbox loses one event without a trace and the connection starts over, as after a
  // reconnect (connect.ts): no cursor, every mapping unverified, so the push looks at each event.
  emulators.microsoft.calendar.mailbox(a.microsoft.tenantId, a.microsoft.userId).events.delete(lost.microsoft);
  await db.updateTable('calendar_providers').set({ sync_cursor: null }).where('id', '=', microsoft.providerId).execute();
  await db.updateTable('calendar_event_mappings').set({ status: 'pending' }).where('provider_id', '=', microsoft.providerId).execute();
  const provider = await db.selectFrom('calendar_providers').selectAll().where('id', '=', microsoft.providerId).executeTakeFirstOrThrow();
  const real = adapterFor(provider);
  let pulls = 0;
  const adapter: CalendarAdapter = {
    ...real,
    async *listChanges(cursor, window) {
      yield* real.listChanges(cursor, window);
      pulls += 1;
      // Right after the first pull has read the changes, the technician deletes the other event.
      if (pulls === 1) await graph('DELETE', deleted.microsoft);
    },
  };
  await syncProvider(db, adapter, provider, app.notifications);

  t.equal(await entryOf(deleted.entry.id), null, 'the deletion made in Outlook reached the PSA');
  t.equal(await mappingOf(microsoft.providerId, deleted.entry.id), undefined, 'and its mapping is gone');
  const recreated = await mappingOf(microsoft.providerId, lost.entry.id);
  t.equal(recreated?.status, 'synced', 'the event the mailbox lost is created again');
  t.not(recreated?.external_id, lost.microsoft, 'as a new event');
  const subjects = [...emulators.microsoft.calendar.mailbox(a.microsoft.tenantId, a.microsoft.userId).events.values()].map((e) => e.subject);
  t.same(subjects.filter((subject) => subject === deleted.entry.title), [], 'the deleted event was not created again');
  t.equal(pulls, 2, 'one more pull, for the events found gone');
});

t.test('an event re-created while its mapping went (its entry deleted meanwhile) is removed again, not left behind', async (t) => {
  const entry = await syncedEntry();
  await syncNow(google.providerId);
  // Deleted in Google; the connection distrusts its mappings (a reconnect), so the push looks.
  emulators.google.deleteEvent(a.technician.email, entry.google);
  await db.updateTable('calendar_event_mappings').set({ status: 'pending' }).where('provider_id', '=', google.providerId).execute();
  const provider = await db.selectFrom('calendar_providers').selectAll().where('id', '=', google.providerId).executeTakeFirstOrThrow();
  const real = adapterFor(provider);
  const adapter: CalendarAdapter = {
    ...real,
    async createEvent(event, mappingId) {
      const created = await real.createEvent(event, mappingId);
      // Meanwhile a pull brings the deletion: the entry and its mapping go.
      await db.deleteFrom('calendar_event_mappings').where('id', '=', mappingId).execute();
      return created;
    },
  };
  t.equal(await pushEntry(db, adapter, provider, entry.entry.id, app.notifications, { afterPull: true }), 'deleted', 'the push removes what it created');
  const remote = await real.getEvent(entry.google);
  t.ok(!remote?.event || remote.cancelled, 'and the calendar holds no event of the gone mapping');
});
