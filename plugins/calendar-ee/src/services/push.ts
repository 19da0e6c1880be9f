// Outbound sync of one schedule entry to one calendar: bring the calendar to the entry's current
// state (create, update, delete), whatever order or how often jobs run. Creates are idempotent by
// mapping id; updates carry the etag, and a 412 re-reads the event and re-evaluates. A `pending`
// mapping that has an event (after a reconnect) is read before it is trusted. No transaction is
// held across a provider call: read, call out, then write.
import { sql } from 'kysely';
import { forTenant, getScheduleEntry, NotFound, type Db, type ScheduleEntry } from '@switchboard/core';
import { EventNotFound, PreconditionFailed, type CalendarAdapter, type RemoteEvent } from '../adapters/types.js';
import { contentHash, entryToEvent } from './entry-event.js';
import { isActive, type ProviderRow } from './providers.js';
import { raiseConflict } from './inbound.js';
import { pushCancellations, pushOverride, pushOverridesAfresh } from './series-exceptions.js';
import type { Notifier } from './calendar-jobs.js';

export type PushOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped' | 'conflict' | 'missing';

async function currentEntry(db: Db, tenantId: string, entryId: string) {
  try {
    return await getScheduleEntry(db, tenantId, entryId);
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

const sendsToCalendar = (provider: ProviderRow) => isActive(provider) && provider.sync_direction !== 'from_calendar';

/** `created`: a new event, which has none of the series' cancellations yet (series-exceptions.ts sends them). */
export async function recordSynced(db: Db, tenantId: string, mappingId: string, remote: RemoteEvent, hash: string, options: { created?: boolean } = {}) {
  await forTenant(db, tenantId)
    .updateTable('calendar_event_mappings')
    .set({
      ...(options.created ? { cancelled_starts: [] } : {}),
      external_id: remote.id,
      ical_uid: remote.iCalUid,
      etag: remote.etag,
      content_hash: hash,
      status: 'synced',
      last_error: null,
      last_synced_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', mappingId)
    .execute();
}

export async function markMapping(db: Db, tenantId: string, mappingId: string, status: 'error' | 'pending', message: string) {
  await forTenant(db, tenantId).updateTable('calendar_event_mappings').set({ status, last_error: message, updated_at: sql`now()` }).where('id', '=', mappingId).execute();
}

/** The mapping for (provider, entry), created as `pending` when missing. */
export async function ensureMapping(db: Db, provider: ProviderRow, entryId: string) {
  await forTenant(db, provider.tenant_id)
    .insertInto('calendar_event_mappings', { provider_id: provider.id, schedule_entry_id: entryId })
    .onConflict((oc) => oc.columns(['provider_id', 'schedule_entry_id']).doNothing())
    .execute();
  return forTenant(db, provider.tenant_id)
    .selectFrom('calendar_event_mappings')
    .selectAll()
    .where('provider_id', '=', provider.id)
    .where('schedule_entry_id', '=', entryId)
    .executeTakeFirstOrThrow();
}

/**
 * Whether an event found gone in the calendar is created again. Yes once the pull has run (a
 * whole-connection sync pulls first: a deletion made in the calendar has then reached the PSA and
 * removed this mapping, so what is still missing was lost by the provider — a wiped mailbox, a
 * reconnect) and for connections that only send to the calendar. A single push on a two-way
 * connection leaves the mapping `missing` instead: the next pull may still bring the deletion,
 * which must delete the entry, and the next sync re-creates it if not.
 */
const recreatesMissing = (provider: ProviderRow, options: { afterPull?: boolean }) => options.afterPull === true || provider.sync_direction === 'to_calendar';

type PushOptions = { afterPull?: boolean };

export async function pushEntry(db: Db, adapter: CalendarAdapter, provider: ProviderRow, entryId: string, notifications: Notifier, options: PushOptions = {}): Promise<PushOutcome> {
  if (!sendsToCalendar(provider)) return 'skipped';
  const entry = await currentEntry(db, provider.tenant_id, entryId);
  // One occurrence of a series, and a series' cancelled occurrences: series-exceptions.ts. The
  // cancellations go after the series itself, which may just have been (re-)created without them.
  if (entry?.seriesEntryId) return pushOverride(db, adapter, provider, entry, notifications);
  const outcome = await pushEvent(db, adapter, provider, entryId, entry, notifications, options);
  if (entry?.recurrence && outcome !== 'deleted' && outcome !== 'missing') {
    await pushCancellations(db, adapter, provider, entry);
    if (outcome === 'created') await pushOverridesAfresh(db, adapter, provider, entry, notifications);
  }
  return outcome;
}

async function pushEvent(db: Db, adapter: CalendarAdapter, provider: ProviderRow, entryId: string, entry: ScheduleEntry | null, notifications: Notifier, options: PushOptions): Promise<PushOutcome> {
  const desired = entry && entry.assigneeIds.includes(provider.user_id) ? entryToEvent(entry) : null;
  const existing = await forTenant(db, provider.tenant_id)
    .selectFrom('calendar_event_mappings')
    .selectAll()
    .where('provider_id', '=', provider.id)
    .where('schedule_entry_id', '=', entryId)
    .executeTakeFirst();

  if (!desired) {
    if (!existing) return 'unchanged';
    // Deleted, or this technician was unassigned: remove only this technician's event.
    if (existing.external_id) await adapter.deleteEvent(existing.external_id);
    await forTenant(db, provider.tenant_id).deleteFrom('calendar_event_mappings').where('id', '=', existing.id).execute();
    return 'deleted';
  }

  const hash = contentHash(desired);
  const mapping = existing ?? (await ensureMapping(db, provider, entryId));
  const create = async () => {
    // Same mapping id: a retry after a crash finds the event it created (Google answers 409 for
    // the id of a deleted event too; the adapter brings that event back instead).
    const created = await adapter.createEvent(desired, mapping.id);
    await recordSynced(db, provider.tenant_id, mapping.id, created, hash, { created: true });
    return 'created' as const;
  };
  if (!mapping.external_id) return create();
  if (mapping.status === 'synced' && mapping.content_hash === hash) return 'unchanged';
  if (mapping.status === 'conflict') return 'conflict';

  if (mapping.status !== 'pending') {
    try {
      const updated = await adapter.updateEvent(mapping.external_id, desired, mapping.etag ?? '');
      await recordSynced(db, provider.tenant_id, mapping.id, updated, hash);
      return 'updated';
    } catch (err) {
      if (!(err instanceof PreconditionFailed || err instanceof EventNotFound)) throw err;
    }
  }
  // Someone changed the event since we last wrote it, or the mapping is unverified: look before deciding.
  const remote = await adapter.getEvent(mapping.external_id);
  if (!remote || remote.cancelled || !remote.event) {
    if (recreatesMissing(provider, options)) return create();
    await markMapping(db, provider.tenant_id, mapping.id, 'error', 'The event was deleted in the calendar.');
    return 'missing';
  }
  const remoteHash = contentHash(remote.event);
  if (remoteHash === hash) {
    await recordSynced(db, provider.tenant_id, mapping.id, remote, hash);
    return 'unchanged';
  }
  if (remoteHash === mapping.content_hash) {
    // Only the etag moved (e.g. the provider touched metadata): our version still wins.
    const updated = await adapter.updateEvent(mapping.external_id, desired, remote.etag);
    await recordSynced(db, provider.tenant_id, mapping.id, updated, hash);
    return 'updated';
  }
  await db.transaction().execute((trx) => raiseConflict(trx, provider, mapping.id, entry!, remote, notifications));
  return 'conflict';
}
