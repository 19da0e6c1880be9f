// Series exceptions in calendar sync, both ways. Inbound: a cancelled occurrence of a mapped series
// becomes an excluded start of the PSA series, an edited one an override entry with a mapping of
// its own (external id = the instance id), so echoes and conflicts work as for single events.
// Outbound: an override entry is written to its occurrence of the series' event; a series'
// excluded starts are cancelled in the calendar once each (the mapping remembers which).
import { sql } from 'kysely';
import {
  cancelOccurrence,
  findOccurrenceOverride,
  forTenant,
  isOccurrenceStart,
  listOccurrenceOverrides,
  overrideOccurrence,
  type Db,
  type ScheduleEntry,
} from '@switchboard/core';
import { EventNotFound, PreconditionFailed, type CalendarAdapter, type RemoteEvent } from '../adapters/types.js';
import type { Notifier } from './calendar-jobs.js';
import { contentHash, entryToEvent } from './entry-event.js';
import { entryOrNull, eventToPatch, raiseConflict, type InboundOutcome } from './inbound.js';
import type { ProviderRow } from './providers.js';
import { ensureMapping, markMapping, pushEntry, recordSynced, type PushOutcome } from './push.js';

const mappings = (db: Db, provider: ProviderRow) =>
  forTenant(db, provider.tenant_id).selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', provider.id);

/** Adds `starts` to what the calendar is known to have cancelled, keeping only what the series still excludes. */
async function rememberCancelled(db: Db, provider: ProviderRow, mappingId: string, excluded: string[], starts: string[]) {
  await forTenant(db, provider.tenant_id)
    .updateTable('calendar_event_mappings')
    .set({ cancelled_starts: sql<string[]>`ARRAY(SELECT unnest(cancelled_starts || ${starts}::text[]) INTERSECT SELECT unnest(${excluded}::text[]))`, updated_at: sql`now()` })
    .where('id', '=', mappingId)
    .execute();
}

/**
 * Applies a change of one occurrence (`remote.occurrenceOf`) inside `trx`. Returns null when the
 * occurrence is already mapped as an entry of its own and changed: inbound handles it like any
 * single event then.
 */
export async function applyOccurrenceChange(trx: Db, provider: ProviderRow, remote: RemoteEvent): Promise<InboundOutcome | null> {
  const { seriesId, originalStart } = remote.occurrenceOf!;
  const changed = !remote.cancelled && remote.event !== null;
  if (changed && (await mappings(trx, provider).where('external_id', '=', remote.id).executeTakeFirst())) return null;

  const seriesMapping = await mappings(trx, provider).where('external_id', '=', seriesId).forUpdate().executeTakeFirst();
  const series = seriesMapping && (await entryOrNull(trx, provider.tenant_id, seriesMapping.schedule_entry_id));
  const receives = provider.sync_direction !== 'to_calendar';
  if (!seriesMapping || !series?.recurrence || !receives || !series.assigneeIds.includes(provider.user_id) || !isOccurrenceStart(series, originalStart)) {
    return 'ignored';
  }

  if (!changed) {
    const override = await findOccurrenceOverride(trx, provider.tenant_id, series.id, originalStart);
    if (override) await forTenant(trx, provider.tenant_id).deleteFrom('calendar_event_mappings').where('schedule_entry_id', '=', override.id).execute();
    const known = series.excludedStarts.includes(originalStart) && !override;
    const after = known ? series : await cancelOccurrence(trx, provider.tenant_id, provider.user_id, series.id, originalStart);
    await rememberCancelled(trx, provider, seriesMapping.id, after.excludedStarts, [originalStart]);
    return known ? 'echo' : 'deleted';
  }

  const event = { ...remote.event!, recurrence: null };
  const { recurrence: _, ...fields } = eventToPatch(event);
  const override = await overrideOccurrence(trx, provider.tenant_id, provider.user_id, series.id, originalStart, fields);
  // Synced as the calendar has it, so the push the override triggers is a no-op.
  const mapping = await ensureMapping(trx, provider, override.id);
  await recordSynced(trx, provider.tenant_id, mapping.id, remote, contentHash(event));
  return 'updated';
}

/**
 * A series' event was just (re-)created (a reconnect, an event deleted in the calendar): its
 * overridden occurrences are written to the new event, whose occurrences have new ids (Graph).
 */
export async function pushOverridesAfresh(db: Db, adapter: CalendarAdapter, provider: ProviderRow, series: ScheduleEntry, notifications: Notifier) {
  for (const override of await listOccurrenceOverrides(db, provider.tenant_id, series.id)) {
    await forTenant(db, provider.tenant_id)
      .updateTable('calendar_event_mappings')
      .set({ external_id: null, etag: null, status: 'pending', updated_at: sql`now()` })
      .where('provider_id', '=', provider.id)
      .where('schedule_entry_id', '=', override.id)
      .execute();
    await pushOverride(db, adapter, provider, override, notifications);
  }
}

/** Cancels in the calendar the series' excluded starts it has not cancelled yet (once each). */
export async function pushCancellations(db: Db, adapter: CalendarAdapter, provider: ProviderRow, series: ScheduleEntry) {
  const mapping = await mappings(db, provider).where('schedule_entry_id', '=', series.id).executeTakeFirst();
  // Not in the calendar (the push of the series failed or was refused): the next push cancels.
  if (!mapping?.external_id) return;
  const pending = series.excludedStarts.filter((start) => !mapping.cancelled_starts.includes(start));
  if (pending.length === 0 && mapping.cancelled_starts.length === series.excludedStarts.length) return;
  for (const start of pending) await adapter.cancelOccurrence(mapping.external_id, start);
  await rememberCancelled(db, provider, mapping.id, series.excludedStarts, pending);
}

/** The series' event id in this calendar (`known`: its mapping's), pushing the series first when it is not there yet. */
async function seriesEventId(db: Db, adapter: CalendarAdapter, provider: ProviderRow, seriesEntryId: string, known: string | null | undefined, notifications: Notifier): Promise<string> {
  if (known) return known;
  await pushEntry(db, adapter, provider, seriesEntryId, notifications);
  const created = (await mappings(db, provider).where('schedule_entry_id', '=', seriesEntryId).executeTakeFirst())?.external_id;
  // A failed or refused series push: the job is retried, and the override with it.
  if (!created) throw new Error('The series of this occurrence is not in the calendar yet.');
  return created;
}

export const SERIES_IN_CONFLICT = 'Waits for the conflict on its series to be resolved.';

/** An override entry: written to its occurrence of the series' event. */
export async function pushOverride(db: Db, adapter: CalendarAdapter, provider: ProviderRow, override: ScheduleEntry, notifications: Notifier): Promise<PushOutcome> {
  const existing = await mappings(db, provider).where('schedule_entry_id', '=', override.id).executeTakeFirst();
  const originalStart = override.originalStart!;
  if (!override.assigneeIds.includes(provider.user_id)) {
    // This technician no longer takes part in this occurrence: it leaves their calendar.
    if (!existing) return 'unchanged';
    // Deleting the instance we wrote cancels that occurrence wherever it was moved to.
    if (existing.external_id) await adapter.deleteEvent(existing.external_id);
    else {
      const series = await mappings(db, provider).where('schedule_entry_id', '=', override.seriesEntryId!).executeTakeFirst();
      if (series?.external_id) await adapter.cancelOccurrence(series.external_id, originalStart);
    }
    await forTenant(db, provider.tenant_id).deleteFrom('calendar_event_mappings').where('id', '=', existing.id).execute();
    return 'deleted';
  }

  const desired = entryToEvent(override);
  const hash = contentHash(desired);
  if (existing?.status === 'conflict') return 'conflict';
  if (existing?.status === 'synced' && existing.content_hash === hash) return 'unchanged';
  const mapping = existing ?? (await ensureMapping(db, provider, override.id));
  const seriesMapping = await mappings(db, provider).where('schedule_entry_id', '=', override.seriesEntryId!).executeTakeFirst();
  if (seriesMapping?.status === 'conflict') {
    // Which series the occurrence belongs to is the conflict's question (the calendar's series may
    // even be gone): the occurrence waits, and the push after the resolution writes it.
    await markMapping(db, provider.tenant_id, mapping.id, 'pending', SERIES_IN_CONFLICT);
    return 'conflict';
  }
  const seriesId = await seriesEventId(db, adapter, provider, override.seriesEntryId!, seriesMapping?.external_id, notifications);
  const write = async (etag?: string) => {
    const written = await adapter.writeOccurrence(seriesId, originalStart, desired, etag, mapping.external_id ?? undefined);
    await recordSynced(db, provider.tenant_id, mapping.id, written, hash);
  };
  try {
    await write(mapping.etag ?? undefined);
    return mapping.external_id ? 'updated' : 'created';
  } catch (err) {
    if (err instanceof EventNotFound) {
      await markMapping(db, provider.tenant_id, mapping.id, 'error', err.message);
      return 'missing';
    }
    if (!(err instanceof PreconditionFailed) || !mapping.external_id) throw err;
  }
  // Changed in the calendar since our last write: the same decision as for a single event.
  const remote = await adapter.getEvent(mapping.external_id);
  if (remote?.event && contentHash(remote.event) === mapping.content_hash) {
    await write(remote.etag);
    return 'updated';
  }
  if (!remote?.event) return 'missing';
  if (contentHash(remote.event) === hash) {
    await recordSynced(db, provider.tenant_id, mapping.id, remote, hash);
    return 'unchanged';
  }
  await db.transaction().execute((trx) => raiseConflict(trx, provider, mapping.id, override, remote, notifications));
  return 'conflict';
}
