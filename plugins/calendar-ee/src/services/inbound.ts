// Applying one calendar change to the PSA. Echo suppression: a change whose content hash is the
// one we last synced is not a change. Conflicts: both sides changed since the last sync → the
// mapping turns `conflict` and the technician is asked to choose. Deleting an event with other
// assignees only unassigns this technician. Unmapped events are imported only when the connection
// says so, as `ad_hoc` entries assigned to the technicians among the attendees.
import { sql } from 'kysely';
import { appendEvent, createScheduleEntry, deleteScheduleEntry, forTenant, getScheduleEntry, isUuid, NotFound, recurrenceProblem, updateScheduleEntry, type Db } from '@switchboard/core';
import type { RemoteEvent, SyncEvent } from '../adapters/types.js';
import { contentHash, entryToEvent } from './entry-event.js';
import type { ProviderRow } from './providers.js';
import type { Notifier } from './calendar-jobs.js';
import { applyOccurrenceChange } from './series-exceptions.js';

export type InboundOutcome = 'echo' | 'updated' | 'deleted' | 'unassigned' | 'imported' | 'conflict' | 'ignored';

export const conflictKey = (mappingId: string) => `calendar.conflict:${mappingId}`;

/** The PSA fields a calendar event sets. */
export const eventToPatch = (event: SyncEvent) => ({
  title: event.title,
  notes: event.notes,
  start: event.start,
  end: event.end,
  timeZone: event.timeZone,
  allDay: event.allDay,
  recurrence: event.recurrence,
});

/**
 * The event's mapping id if it can be one of ours. Mapping ids are UUIDs and the column is uuid:
 * anything else would make PostgreSQL throw and stop the whole page, so it means "not ours"
 * (pull.ts counts such ids in its log line).
 */
export const ourMappingId = (remote: RemoteEvent) => (remote.mappingId && isUuid(remote.mappingId) ? remote.mappingId : null);

async function findMapping(trx: Db, provider: ProviderRow, remote: RemoteEvent) {
  const scope = forTenant(trx, provider.tenant_id).selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', provider.id);
  const byExternal = await scope.where('external_id', '=', remote.id).forUpdate().executeTakeFirst();
  const mappingId = ourMappingId(remote) ?? remote.maybeMappingId;
  if (byExternal || !mappingId) return byExternal;
  return scope.where('id', '=', mappingId).forUpdate().executeTakeFirst();
}

export async function entryOrNull(trx: Db, tenantId: string, id: string) {
  try {
    return await getScheduleEntry(trx, tenantId, id);
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

const receives = (provider: ProviderRow) => provider.sync_direction !== 'to_calendar';

/**
 * A series the schedule cannot hold (FREQ=HOURLY, 5,000 occurrences…) is left out of the PSA, not
 * cut down to its first occurrence: a cut-down copy would be pushed back on its next PSA edit and
 * turn the technician's series in the calendar into a single event.
 */
const storable = (event: SyncEvent) => !event.recurrence || recurrenceProblem(event.recurrence) === null;

export type MappingRow = NonNullable<Awaited<ReturnType<typeof findMapping>>>;
type Entry = NonNullable<Awaited<ReturnType<typeof entryOrNull>>>;

/**
 * What a change of a mapped event does, from the mapping (locked) and the entry as read. Shared by
 * the per-change path below and the set-wise page (inbound-page.ts), so the two cannot disagree.
 * `remove`: cancelled or deleted in the calendar. `record`: our create read back, recorded as
 * synced. `conflict-again`: a mapping in conflict keeps the calendar's newest version.
 */
export type MappedAction = 'remove' | 'echo' | 'ignored' | 'conflict-again' | 'record' | 'conflict' | 'update';

export function classifyMapped(provider: ProviderRow, remote: RemoteEvent, mapping: MappingRow, entry: Entry | null): MappedAction {
  if (remote.cancelled || !remote.event) return 'remove';
  const remoteHash = contentHash(remote.event);
  // Our own write read back, or a change of something we do not sync (colour, reminders).
  if (remoteHash === mapping.content_hash) return 'echo';
  if (!entry || !receives(provider) || !storable(remote.event)) return 'ignored';
  if (mapping.status === 'conflict') return 'conflict-again';
  const psaHash = contentHash(entryToEvent(entry));
  // Our create landed but is not recorded yet: its push is still running, or its worker died and
  // the retry will record it. Not a change made in the calendar, so no conflict; the same content
  // as the PSA's is recorded as synced, anything else is left to the push.
  if (mapping.content_hash === null) return remoteHash === psaHash ? 'record' : 'ignored';
  return psaHash !== mapping.content_hash ? 'conflict' : 'update';
}

/** The outcome counted for an action that needs no further decision. */
export const outcomeOf = { echo: 'echo', record: 'echo', update: 'updated', ignored: 'ignored', 'conflict-again': 'conflict', conflict: 'conflict' } as const;

/** The mapping columns a synced change sets. */
export const syncedColumns = (remote: RemoteEvent) => ({ etag: remote.etag, content_hash: contentHash(remote.event!), status: 'synced' as const, last_error: null });

/** Applies one change inside `trx` (the caller commits it with the page's cursor). */
export async function applyRemoteChange(trx: Db, provider: ProviderRow, remote: RemoteEvent, notifications: Notifier): Promise<InboundOutcome> {
  const occurrence = remote.occurrenceOf ? await applyOccurrenceChange(trx, provider, remote) : null; // series-exceptions.ts
  if (occurrence) return occurrence;
  const mapping = await findMapping(trx, provider, remote);
  if (!mapping) return importUnmapped(trx, provider, remote);
  const entry = await entryOrNull(trx, provider.tenant_id, mapping.schedule_entry_id);
  return applyMapped(trx, provider, remote, mapping, entry, notifications);
}

/** Applies a change of a mapped event, its mapping locked and its entry read. */
export async function applyMapped(trx: Db, provider: ProviderRow, remote: RemoteEvent, mapping: MappingRow, entry: Entry | null, notifications: Notifier): Promise<InboundOutcome> {
  const action = classifyMapped(provider, remote, mapping, entry);
  if (action === 'remove') return removeMapped(trx, provider, mapping, entry);
  const setMapping = (set: Record<string, unknown>) =>
    forTenant(trx, provider.tenant_id)
      .updateTable('calendar_event_mappings')
      .set({ external_id: remote.id, ical_uid: remote.iCalUid, updated_at: sql`now()`, ...set })
      .where('id', '=', mapping.id)
      .execute();
  switch (action) {
    case 'echo':
      await setMapping({ etag: remote.etag });
      break;
    case 'conflict-again':
      await setMapping({ conflict_remote: JSON.stringify({ etag: remote.etag, event: remote.event, detectedAt: new Date().toISOString() }) });
      break;
    case 'record':
      await setMapping({ ...syncedColumns(remote), last_synced_at: sql`now()` });
      break;
    case 'conflict':
      await raiseConflict(trx, provider, mapping.id, entry!, remote, notifications);
      break;
    case 'update':
      // Record the calendar's version as synced first, so the push this update triggers is a no-op.
      await setMapping({ ...syncedColumns(remote), last_synced_at: sql`now()` });
      await updateScheduleEntry(trx, provider.tenant_id, provider.user_id, entry!.id, eventToPatch(remote.event!));
      break;
  }
  return outcomeOf[action];
}

/** Deleted in the calendar: the mapping goes; the entry too, or only this technician when others are assigned. */
async function removeMapped(trx: Db, provider: ProviderRow, mapping: MappingRow, entry: Entry | null): Promise<InboundOutcome> {
  await forTenant(trx, provider.tenant_id).deleteFrom('calendar_event_mappings').where('id', '=', mapping.id).execute();
  if (!entry || !receives(provider) || !entry.assigneeIds.includes(provider.user_id)) return 'ignored';
  const others = entry.assigneeIds.filter((id) => id !== provider.user_id);
  if (others.length > 0) {
    await updateScheduleEntry(trx, provider.tenant_id, provider.user_id, entry.id, { assigneeIds: others });
    return 'unassigned';
  }
  await deleteScheduleEntry(trx, provider.tenant_id, provider.user_id, entry.id);
  return 'deleted';
}

/** Would an unmapped event be imported? Not our own event whose mapping is gone (deleted in the PSA), nor what the settings leave out. */
export const importable = (provider: ProviderRow, remote: RemoteEvent) =>
  !remote.cancelled && remote.event !== null && !ourMappingId(remote) && provider.import_unmapped && receives(provider) && storable(remote.event);

/** The active technicians among attendee emails (trimmed, lower-cased), as id and email. */
export async function techniciansAmong(trx: Db, tenantId: string, emails: string[]) {
  if (emails.length === 0) return [];
  return forTenant(trx, tenantId)
    .selectFrom('users')
    .select(['id', sql<string>`lower(trim(email))`.as('email')])
    .where('user_type', '=', 'internal')
    .where('is_active', '=', true)
    .where(sql`lower(trim(email))`, 'in', emails)
    .execute();
}

/** The new entry's assignees: the connection's technician and the technicians among the attendees. */
export const importAssignees = (provider: ProviderRow, technicianIds: string[]) => [...new Set([provider.user_id, ...technicianIds])];

/** The new entry of an imported event. */
export const importedEntry = (remote: RemoteEvent, assigneeIds: string[]) =>
  ({ ...eventToPatch(remote.event!), workItemType: 'ad_hoc', workItemId: null, assigneeIds }) as Parameters<typeof createScheduleEntry>[3];

/** The mapping of an imported event. */
export const importedMapping = (provider: ProviderRow, entryId: string, remote: RemoteEvent) => ({
  provider_id: provider.id,
  schedule_entry_id: entryId,
  external_id: remote.id,
  ical_uid: remote.iCalUid,
  etag: remote.etag,
  content_hash: contentHash(remote.event!),
  status: 'synced' as const,
  last_synced_at: new Date(),
});

async function importUnmapped(trx: Db, provider: ProviderRow, remote: RemoteEvent): Promise<InboundOutcome> {
  if (!importable(provider, remote)) return 'ignored';
  const technicians = await techniciansAmong(trx, provider.tenant_id, remote.event!.attendees);
  const assigneeIds = importAssignees(provider, technicians.map((u) => u.id));
  const entry = await createScheduleEntry(trx, provider.tenant_id, provider.user_id, importedEntry(remote, assigneeIds));
  await forTenant(trx, provider.tenant_id).insertInto('calendar_event_mappings', importedMapping(provider, entry.id, remote)).execute();
  return 'imported';
}

/**
 * Marks the mapping `conflict` with the calendar's version (the newest, when the calendar changed
 * again), and publishes calendar.conflict_detected and tells the technician once per conflict: the
 * push and a pull can both find the same conflict, one after the other.
 */
export async function raiseConflict(
  trx: Db,
  provider: ProviderRow,
  mappingId: string,
  entry: { id: string; title: string },
  remote: RemoteEvent,
  notifications: Notifier,
) {
  const before = await forTenant(trx, provider.tenant_id).selectFrom('calendar_event_mappings').select('status').where('id', '=', mappingId).forUpdate().executeTakeFirst();
  await forTenant(trx, provider.tenant_id)
    .updateTable('calendar_event_mappings')
    .set({
      status: 'conflict',
      last_error: 'Changed in both the PSA and the calendar since the last sync.',
      conflict_remote: JSON.stringify({ etag: remote.etag, event: remote.event, detectedAt: new Date().toISOString() }),
      updated_at: sql`now()`,
    })
    .where('id', '=', mappingId)
    .execute();
  if (before?.status === 'conflict') return;
  await appendEvent(trx, {
    tenantId: provider.tenant_id,
    type: 'calendar.conflict_detected',
    aggregateType: 'calendar_event_mapping',
    aggregateId: mappingId,
    payload: { providerId: provider.id, userId: provider.user_id, scheduleEntryId: entry.id },
  });
  await notifications.notify(trx, {
    tenantId: provider.tenant_id,
    userId: provider.user_id,
    kind: 'calendar.conflict',
    severity: 'warning',
    title: `"${entry.title}" was changed in both the PSA and your calendar`,
    body: 'Choose which version to keep on Profile → Calendar.',
    link: '/profile?tab=calendar',
    dedupeKey: conflictKey(mappingId),
  });
}
