// How each schedule entry of a window stands in the calendars of its assigned technicians (the
// schedule's sync badges). Read only: "in sync" is decided as push.ts decides it (the mapping is
// synced with the entry's current content hash and the series' cancellations are sent), for the
// whole window in two queries: core's list of the window's entries, then every mapping of them.
import { sql } from 'kysely';
import { INT4_MAX, forTenant, listScheduleEntries, scheduleEntryListQuery, type Db, type ScheduleEntry } from '@switchboard/core';
import { contentHash, entryToEvent } from './entry-event.js';

export type EntrySyncStatus = 'synced' | 'pending' | 'conflict' | 'error';

export interface EntrySyncState {
  entryId: string;
  userId: string;
  status: EntrySyncStatus;
  /** What the person should do about a conflict or an error, or why an entry waits; else null. */
  message: string | null;
}

/** The schedule list's window rules (from before to, at most 366 days), with both ends required. */
export const entrySyncQuery = scheduleEntryListQuery.superRefine((q, ctx) => {
  for (const field of ['from', 'to'] as const) {
    if (!q[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'is required: a date-time with offset' });
  }
});

const SEVERITY: Record<EntrySyncStatus, number> = { synced: 0, pending: 1, conflict: 2, error: 3 };

type Row = Awaited<ReturnType<typeof calendarRows>>[number];

/** A calendar that receives entries, with its mappings of the window's entries by entry id. */
interface Calendar {
  connection: Row;
  mappings: Map<string, Row>;
}

/**
 * The calendars that receive these people's entries (connected, or failing without needing a
 * reconnect, and not import-only), each with its mappings of `entryIds`: one row per mapping, or
 * one row without a mapping for a calendar that has none of them yet.
 */
function calendarRows(db: Db, tenantId: string, userIds: string[], entryIds: string[]) {
  return forTenant(db, tenantId)
    .selectFrom('calendar_providers')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'calendar_providers.user_id').onRef('users.tenant_id', '=', 'calendar_providers.tenant_id'))
    .leftJoin('calendar_event_mappings as mapping', (j) =>
      j
        .onRef('mapping.provider_id', '=', 'calendar_providers.id')
        .onRef('mapping.tenant_id', '=', 'calendar_providers.tenant_id')
        // One array parameter: a year's window can hold more entries than a query has placeholders.
        .on('mapping.schedule_entry_id', '=', sql<string>`any(${entryIds}::uuid[])`),
    )
    .select([
      'calendar_providers.id as provider_id',
      'calendar_providers.user_id',
      'calendar_providers.display_name',
      'calendar_providers.status as connection_status',
      'calendar_providers.error_message',
      'calendar_providers.needs_reconnect',
      'users.display_name as user_name',
    ])
    .select(['mapping.schedule_entry_id', 'mapping.status', 'mapping.content_hash', 'mapping.last_error', 'mapping.cancelled_starts'])
    .where('calendar_providers.user_id', '=', sql<string>`any(${userIds}::uuid[])`)
    .where('calendar_providers.status', 'in', ['connected', 'error'])
    .where('calendar_providers.sync_direction', '!=', 'from_calendar')
    .execute();
}

/** Per technician, the calendars that receive their entries. */
function calendarsByUser(rows: Row[]): Map<string, Calendar[]> {
  const byProvider = new Map<string, Calendar>();
  for (const row of rows) {
    let calendar = byProvider.get(row.provider_id);
    if (!calendar) byProvider.set(row.provider_id, (calendar = { connection: row, mappings: new Map() }));
    if (row.schedule_entry_id) calendar.mappings.set(row.schedule_entry_id, row);
  }
  const byUser = new Map<string, Calendar[]>();
  for (const calendar of byProvider.values()) byUser.set(calendar.connection.user_id, [...(byUser.get(calendar.connection.user_id) ?? []), calendar]);
  return byUser;
}

/** One calendar's state of one entry, in the words the person reading the badge acts on. */
function stateIn(entry: ScheduleEntry, hash: string, connection: Row, mapping: Row | undefined): Pick<EntrySyncState, 'status' | 'message'> {
  const { user_name: person, display_name: calendarName } = connection;
  const calendar = `${person}'s ${calendarName}`;
  if (connection.needs_reconnect) return { status: 'error', message: `${person} must reconnect ${calendarName} (Profile → Calendar).` };
  if (mapping?.status === 'conflict') {
    return { status: 'conflict', message: `Changed here and in ${calendar}: ${person} chooses which version to keep (Profile → Calendar).` };
  }
  if (mapping?.status === 'error') return { status: 'error', message: `Not in ${calendar}: ${mapping.last_error ?? 'the last sync failed.'}` };
  const cancellationsSent = !entry.recurrence || entry.excludedStarts.every((start) => mapping?.cancelled_starts?.includes(start));
  if (mapping?.status === 'synced' && mapping.content_hash === hash && cancellationsSent) return { status: 'synced', message: null };
  // Waiting for a push that cannot happen until the connection works again.
  if (connection.connection_status === 'error') return { status: 'error', message: `Sync to ${calendar} is stopped: ${connection.error_message ?? 'the connection failed.'}` };
  return { status: 'pending', message: mapping?.last_error ?? null };
}

export async function listEntrySync(db: Db, tenantId: string, window: { from: string; to: string }): Promise<EntrySyncState[]> {
  const { items: entries } = await listScheduleEntries(db, tenantId, { from: window.from, to: window.to, limit: INT4_MAX, offset: 0 });
  const userIds = [...new Set(entries.flatMap((e) => e.assigneeIds))];
  if (userIds.length === 0) return [];
  const calendarsOf = calendarsByUser(await calendarRows(db, tenantId, userIds, entries.map((e) => e.id)));

  const states: EntrySyncState[] = [];
  for (const entry of entries) {
    const hash = contentHash(entryToEvent(entry));
    for (const userId of entry.assigneeIds) {
      // A technician with two calendars: the one that needs attention speaks for both.
      let worst: EntrySyncState | null = null;
      for (const { connection, mappings } of calendarsOf.get(userId) ?? []) {
        const state = { entryId: entry.id, userId, ...stateIn(entry, hash, connection, mappings.get(entry.id)) };
        if (!worst || SEVERITY[state.status] > SEVERITY[worst.status]) worst = state;
      }
      if (worst) states.push(worst);
    }
  }
  return states;
}
