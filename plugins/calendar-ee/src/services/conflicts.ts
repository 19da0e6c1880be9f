// Conflicts: an event changed in both the PSA and the calendar since the last sync. The
// technician (or an admin) keeps the PSA version, keeps the calendar version, or merges field by
// field; both sides are then brought to the chosen version.
import { sql } from 'kysely';
import { Conflict, NotFound, forTenant, getScheduleEntry, listOccurrenceOverrides, recordAudit, updateScheduleEntry, type Db, type JobQueue } from '@switchboard/core';
import type { SyncEvent } from '../adapters/types.js';
import { PUSH_JOB, type Notifier } from './calendar-jobs.js';
import { contentHash, entryToEvent } from './entry-event.js';
import { conflictKey, eventToPatch } from './inbound.js';
import type { Viewer } from './providers.js';


export type MergeField = 'title' | 'notes' | 'time' | 'recurrence';
export interface Resolution {
  resolution: 'keep_psa' | 'keep_calendar' | 'merge';
  /** For merge: which side each field comes from (default: the PSA's). */
  fields?: Partial<Record<MergeField, 'psa' | 'calendar'>>;
}

function conflictsQuery(db: Db, viewer: Viewer, scope: 'mine' | 'all') {
  // Aliased tables are outside forTenant's reach: the tenant filter is spelled out.
  let q = db
    .selectFrom('calendar_event_mappings as m')
    .innerJoin('calendar_providers as p', (j) => j.onRef('p.id', '=', 'm.provider_id').onRef('p.tenant_id', '=', 'm.tenant_id'))
    .select(['m.id', 'm.provider_id', 'm.schedule_entry_id', 'm.conflict_remote', 'm.etag', 'm.content_hash', 'p.user_id', 'p.provider_type'])
    .where('m.tenant_id', '=', viewer.tenantId)
    .where('m.status', '=', 'conflict');
  if (scope === 'mine' || !viewer.isAdmin) q = q.where('p.user_id', '=', viewer.userId);
  return q;
}

export async function listConflicts(db: Db, viewer: Viewer, scope: 'mine' | 'all') {
  const rows = await conflictsQuery(db, viewer, scope).orderBy('m.updated_at', 'desc').execute();
  const items = [];
  for (const row of rows) {
    const entry = await getScheduleEntry(db, viewer.tenantId, row.schedule_entry_id).catch(() => null);
    items.push({
      id: row.id,
      providerId: row.provider_id,
      providerType: row.provider_type,
      userId: row.user_id,
      scheduleEntryId: row.schedule_entry_id,
      psa: entry ? entryToEvent(entry) : null,
      calendar: row.conflict_remote?.event ?? null,
      detectedAt: row.conflict_remote?.detectedAt ?? null,
    });
  }
  return items;
}

function merged(psa: SyncEvent, calendar: SyncEvent, fields: Resolution['fields'] = {}): SyncEvent {
  const pick = (field: MergeField) => (fields[field] === 'calendar' ? calendar : psa);
  const time = pick('time');
  return {
    ...psa,
    title: pick('title').title,
    notes: pick('notes').notes,
    start: time.start,
    end: time.end,
    timeZone: time.timeZone,
    allDay: time.allDay,
    recurrence: pick('recurrence').recurrence,
  };
}

/** Settles one conflict; the push job it triggers brings the calendar to the chosen version. */
export async function resolveConflict(trx: Db, deps: { notifications: Notifier; jobs: JobQueue }, viewer: Viewer, mappingId: string, choice: Resolution) {
  const row = await conflictsQuery(trx, viewer, 'all').where('m.id', '=', mappingId).executeTakeFirst();
  if (!row) throw new NotFound('Conflict');
  const remote = row.conflict_remote;
  const entry = await getScheduleEntry(trx, viewer.tenantId, row.schedule_entry_id).catch(() => null);
  if (!remote || !entry) throw new Conflict('This conflict can no longer be resolved here: the schedule entry or the calendar event is gone. Run "Sync now".');
  // The calendar's version becomes the last synced one: the push then writes whatever differs from it.
  await forTenant(trx, viewer.tenantId)
    .updateTable('calendar_event_mappings')
    .set({ status: 'synced', content_hash: contentHash(remote.event), etag: remote.etag, conflict_remote: null, last_error: null, updated_at: sql`now()` })
    .where('id', '=', row.id)
    .execute();
  const psa = entryToEvent(entry);
  const chosen = choice.resolution === 'keep_psa' ? psa : choice.resolution === 'keep_calendar' ? remote.event : merged(psa, remote.event, choice.fields);
  if (contentHash(chosen) !== contentHash(psa)) {
    // Updating the entry queues the push through the outbox (and reaches every other assignee).
    await updateScheduleEntry(trx, viewer.tenantId, viewer.userId, entry.id, eventToPatch(chosen));
  } else {
    await deps.jobs.send(PUSH_JOB, { tenantId: viewer.tenantId, providerId: row.provider_id, entryId: entry.id }, { singletonKey: `${row.provider_id}:${entry.id}` }, trx);
  }
  // A series' changed occurrences waited for this resolution (series-exceptions.ts): push them too.
  for (const override of entry.recurrence ? await listOccurrenceOverrides(trx, viewer.tenantId, entry.id) : []) {
    await deps.jobs.send(PUSH_JOB, { tenantId: viewer.tenantId, providerId: row.provider_id, entryId: override.id }, { singletonKey: `${row.provider_id}:${override.id}` }, trx);
  }
  await deps.notifications.resolve(trx, viewer.tenantId, conflictKey(row.id));
  await recordAudit(trx, {
    tenantId: viewer.tenantId,
    actorUserId: viewer.userId,
    action: 'calendar_conflict.resolved',
    targetType: 'calendar_event_mapping',
    targetId: row.id,
    details: { resolution: choice.resolution, fields: choice.fields ?? null },
  });
}
