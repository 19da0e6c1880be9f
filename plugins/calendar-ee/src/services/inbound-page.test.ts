// The set-wise page (inbound-page.ts) against the per-change path (inbound.ts applyRemoteChange):
// one page holding every kind of change, applied to two copies of the same state, one per path,
// must give the same outcomes and leave the same entries, assignees, mappings, outbox events and
// notifications behind.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createScheduleEntry, type Db } from '@switchboard/core';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import type { RemoteEvent, SyncEvent } from '../adapters/types.js';
import { contentHash } from './entry-event.js';
import { applyRemoteChange, type InboundOutcome } from './inbound.js';
import { applyRemotePage } from './inbound-page.js';
import type { ProviderRow } from './providers.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { db } = ctx;
const a = await seedTenant(db, 'inbound-page');
const tx = <T>(work: (trx: Db) => Promise<T>) => db.transaction().execute(work);

const newProvider = (type: 'google' | 'microsoft') =>
  db
    .insertInto('calendar_providers')
    .values({ tenant_id: a.tenantId, user_id: a.technician.id, provider_type: type, display_name: type, status: 'connected', import_unmapped: true })
    .returningAll()
    .executeTakeFirstOrThrow() as Promise<ProviderRow>;

const event = (title: string, more: Partial<SyncEvent> = {}): SyncEvent => ({
  title,
  notes: null,
  start: '2026-12-14T15:00:00.000Z',
  end: '2026-12-14T16:00:00.000Z',
  timeZone: 'Europe/London',
  allDay: false,
  recurrence: null,
  attendees: [],
  ...more,
});
const remote = (id: string, e: SyncEvent | null, more: Partial<RemoteEvent> = {}): RemoteEvent => ({
  id,
  etag: `"${id}-2"`,
  iCalUid: `${id}@test`,
  mappingId: null,
  cancelled: e === null,
  event: e,
  ...more,
});

/** A PSA entry looking like `psa`, mapped to `externalId` as last synced with `synced` (null: our create not recorded yet). */
async function mapped(provider: ProviderRow, externalId: string, psa: SyncEvent, synced: SyncEvent | null, assigneeIds = [a.technician.id]) {
  const entry = await tx((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, { ...psa, workItemType: 'ad_hoc', workItemId: null, assigneeIds } as Parameters<typeof createScheduleEntry>[3]),
  );
  await db
    .insertInto('calendar_event_mappings')
    .values({
      tenant_id: a.tenantId,
      provider_id: provider.id,
      schedule_entry_id: entry.id,
      external_id: externalId,
      etag: `"${externalId}-1"`,
      content_hash: synced && contentHash(synced),
      status: 'synced',
    })
    .execute();
}

const weekly = { recurrence: 'FREQ=WEEKLY;BYDAY=MO' };
/** The same starting state for a provider, and the page of changes that follows it. */
async function arrange(provider: ProviderRow): Promise<RemoteEvent[]> {
  await mapped(provider, 'echo', event('Echo'), event('Echo'));
  await mapped(provider, 'update', event('Update'), event('Update'));
  await mapped(provider, 'conflict', event('Changed in the PSA'), event('Conflict'));
  await mapped(provider, 'delete', event('Delete'), event('Delete'));
  await mapped(provider, 'unassign', event('Unassign'), event('Unassign'), [a.technician.id, a.admin.id]);
  await mapped(provider, 'record', event('Record'), null);
  await mapped(provider, 'series', event('Series', weekly), event('Series', weekly));
  return [
    remote('echo', event('Echo')),
    // A series is applied on its own, the changes after it in a run of their own.
    remote('series', event('Series renamed', weekly)),
    remote('new-1', event('Imported with a colleague', { attendees: [a.admin.email.toLowerCase(), 'guest@example.com'] })),
    remote('update', event('Updated in the calendar', { notes: 'new notes', end: '2026-12-14T17:00:00.000Z' })),
    remote('conflict', event('Changed in the calendar')),
    remote('delete', null),
    remote('unassign', null),
    remote('record', event('Record')),
    remote('new-2', event('Imported alone')),
    remote('new-hourly', event('Too often', { recurrence: 'FREQ=HOURLY' })),
    remote('ours-gone', event('Ours, mapping gone'), { mappingId: randomUUID() }),
    remote('gone-unknown', null),
    // Listed twice in one page: the second is a change of what the first imported.
    remote('new-1', event('Imported, then renamed', { attendees: [a.admin.email.toLowerCase()] }), { etag: '"new-1-3"' }),
  ];
}

/** What a provider's changes left behind, by external id, without ids and clocks. */
async function stateOf(provider: ProviderRow) {
  const mappings = await db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', provider.id).orderBy('external_id').execute();
  const state: Record<string, unknown> = {};
  for (const m of mappings) {
    const entry = await db.selectFrom('schedule_entries').selectAll().where('id', '=', m.schedule_entry_id).executeTakeFirst();
    const assignees = await db.selectFrom('schedule_entry_assignees').select('user_id').where('schedule_entry_id', '=', m.schedule_entry_id).orderBy('user_id').execute();
    const events = await db.selectFrom('outbox_events').selectAll().where('aggregate_id', 'in', [m.schedule_entry_id, m.id]).orderBy('id').execute();
    const conflict = m.conflict_remote as { detectedAt?: string } | null;
    state[m.external_id!] = {
      mapping: { status: m.status, etag: m.etag, content_hash: m.content_hash, ical_uid: m.ical_uid, last_error: m.last_error, synced: m.last_synced_at !== null, conflict: conflict && { ...conflict, detectedAt: null } },
      entry: entry && { title: entry.title, notes: entry.notes, starts_at: entry.starts_at, ends_at: entry.ends_at, recurrence: entry.recurrence, version: entry.version, work_item_type: entry.work_item_type },
      assignees: assignees.map((x) => x.user_id),
      events: events.map((e) => {
        const payload = e.payload as { entry?: Record<string, unknown>; previousAssigneeIds?: string[]; providerId?: string };
        const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = payload.entry ?? {};
        return { type: e.event_type, entry: rest, previousAssigneeIds: payload.previousAssigneeIds };
      }),
    };
  }
  return state;
}

const entryCount = async () => Number((await db.selectFrom('schedule_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow()).n);

t.test('a page applied set-wise leaves what the changes applied one at a time leave', async (t) => {
  const perChange = await newProvider('google');
  const setWise = await newProvider('microsoft');
  const notified: Record<string, number> = {};
  const notifier = (key: string) => ({
    notify: async () => void (notified[key] = (notified[key] ?? 0) + 1),
    notifyAdmins: async () => undefined,
    resolve: async () => undefined,
  });

  const oneByOne = await arrange(perChange);
  const outcomesOne = await tx(async (trx) => {
    const out: InboundOutcome[] = [];
    for (const change of oneByOne) out.push(await applyRemoteChange(trx, perChange, change, notifier('one')));
    return out;
  });
  const page = await arrange(setWise);
  const before = await entryCount();
  const outcomesPage = await tx((trx) => applyRemotePage(trx, setWise, page, notifier('page')));

  t.same(outcomesOne, [
    'echo',
    'updated',
    'imported',
    'updated',
    'conflict',
    'deleted',
    'unassigned',
    'echo',
    'imported',
    'ignored',
    'ignored',
    'ignored',
    'updated',
  ]);
  t.same(outcomesPage, outcomesOne, 'the same outcomes');
  t.equal(await entryCount(), before + 2 - 1, 'two imported, one deleted');
  const [one, set] = [await stateOf(perChange), await stateOf(setWise)];
  t.same(Object.keys(set), ['conflict', 'echo', 'new-1', 'new-2', 'record', 'series', 'update']);
  t.same(set, one, 'the same rows');
  t.same((set['new-1'] as { assignees: string[] }).assignees, [a.technician.id, a.admin.id].sort(), 'the colleague among the attendees is assigned');
  t.same(notified, { one: 1, page: 1 }, 'one conflict told');

  t.test('listing the same page again changes nothing more', async (t) => {
    const again = await tx((trx) => applyRemotePage(trx, setWise, page, notifier('page')));
    t.notOk(again.includes('imported'), 'no duplicate entries');
    t.equal(await entryCount(), before + 1);
    const mappings = await db.selectFrom('calendar_event_mappings').select('external_id').where('provider_id', '=', setWise.id).execute();
    t.equal(mappings.length, new Set(mappings.map((m) => m.external_id)).size, 'no duplicate mappings');
  });
});
