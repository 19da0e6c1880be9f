// Applying a page of calendar changes set-wise: the page's mappings are locked and its entries read
// in one query each, each change is classified in memory (inbound.ts classifyMapped, the same
// decision as one change at a time), and then one statement per kind of change writes them all:
// imports (entries, assignees, outbox events, mappings), echoes, synced mappings, entry updates.
// Rare kinds (deletions, conflicts, a series or its occurrences) take the per-change path of
// inbound.ts. Changes touching a series split the page into runs, as does an event listed twice,
// so every run sees the database as the changes before it left it.
import { sql } from 'kysely';
import { createScheduleEntries, findScheduleEntries, forTenant, updateScheduleEntries, type Db } from '@switchboard/core';
import type { RemoteEvent } from '../adapters/types.js';
import type { Notifier } from './calendar-jobs.js';
import {
  applyMapped,
  applyRemoteChange,
  classifyMapped,
  eventToPatch,
  importable,
  importAssignees,
  importedEntry,
  importedMapping,
  ourMappingId,
  outcomeOf,
  syncedColumns,
  techniciansAmong,
  type InboundOutcome,
  type MappingRow,
} from './inbound.js';
import type { ProviderRow } from './providers.js';

/** The ids a change can find its mapping by: its event id, and the mapping id it carries. */
const keysOf = (remote: RemoteEvent) => [remote.id, ...[ourMappingId(remote) ?? remote.maybeMappingId].filter((k): k is string => !!k)];

/** Applies `changes` inside `trx` (the caller commits them with the page's cursor); one outcome per change, in order. */
export async function applyRemotePage(trx: Db, provider: ProviderRow, changes: RemoteEvent[], notifications: Notifier): Promise<InboundOutcome[]> {
  const outcomes: InboundOutcome[] = [];
  let next = 0;
  while (next < changes.length) {
    if (changes[next]!.occurrenceOf) {
      outcomes.push(await applyRemoteChange(trx, provider, changes[next]!, notifications));
      next += 1;
      continue;
    }
    // A run: the changes up to the next occurrence change or the next event listed twice.
    const keys = new Set<string>();
    let end = next;
    for (; end < changes.length && !changes[end]!.occurrenceOf; end++) {
      const own = keysOf(changes[end]!);
      if (own.some((k) => keys.has(k))) break;
      for (const k of own) keys.add(k);
    }
    const applied = await applyRun(trx, provider, changes.slice(next, end), notifications);
    outcomes.push(...applied);
    next += applied.length;
  }
  return outcomes;
}

/** Locks the mappings the changes may have, in id order. */
async function lockMappings(trx: Db, provider: ProviderRow, run: RemoteEvent[]): Promise<MappingRow[]> {
  const ids = run.map((c) => c.id);
  const mappingIds = run.flatMap((c) => keysOf(c).slice(1));
  return forTenant(trx, provider.tenant_id)
    .selectFrom('calendar_event_mappings')
    .selectAll()
    .where('provider_id', '=', provider.id)
    .where((eb) => eb.or([eb('external_id', '=', sql<string>`any(${ids}::text[])`), eb('id', '=', sql<string>`any(${mappingIds}::uuid[])`)]))
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The writes a run has classified and not yet made, one statement per kind. */
interface Pending {
  imports: RemoteEvent[];
  echoes: { remote: RemoteEvent; mapping: MappingRow }[];
  synced: { remote: RemoteEvent; mapping: MappingRow }[];
  updates: { id: string; patch: ReturnType<typeof eventToPatch> }[];
}

/**
 * Applies a prefix of `run` and returns its outcomes: all of it, or up to and including a change
 * of a series (its overrides, which this run has read, may change) or of a mapping another change
 * of the run found, applied on its own after the rest; the caller starts a new run after it.
 */
async function applyRun(trx: Db, provider: ProviderRow, run: RemoteEvent[], notifications: Notifier): Promise<InboundOutcome[]> {
  const mappings = await lockMappings(trx, provider, run);
  const byExternal = new Map(mappings.filter((m) => m.external_id !== null).map((m) => [m.external_id!, m]));
  const byId = new Map(mappings.map((m) => [m.id, m]));
  const entries = await findScheduleEntries(trx, provider.tenant_id, [...new Set(mappings.map((m) => m.schedule_entry_id))]);

  const outcomes: InboundOutcome[] = [];
  const pending: Pending = { imports: [], echoes: [], synced: [], updates: [] };
  const used = new Set<string>();
  for (const remote of run) {
    const mappingId = keysOf(remote)[1];
    const mapping = byExternal.get(remote.id) ?? (mappingId ? byId.get(mappingId) : undefined);
    if (!mapping) {
      const imported = importable(provider, remote);
      if (imported) pending.imports.push(remote);
      outcomes.push(imported ? 'imported' : 'ignored');
      continue;
    }
    const entry = entries.get(mapping.schedule_entry_id) ?? null;
    if (used.has(mapping.id) || entry?.recurrence || entry?.seriesEntryId) {
      await write(trx, provider, pending);
      outcomes.push(await applyRemoteChange(trx, provider, remote, notifications));
      return outcomes;
    }
    used.add(mapping.id);
    const action = classifyMapped(provider, remote, mapping, entry);
    if (action === 'echo') pending.echoes.push({ remote, mapping });
    if (action === 'record' || action === 'update') pending.synced.push({ remote, mapping });
    if (action === 'update') pending.updates.push({ id: entry!.id, patch: eventToPatch(remote.event!) });
    // Deletions and conflicts touch their own entry and mapping only: one at a time, in place.
    const rare = action === 'remove' || action === 'conflict' || action === 'conflict-again';
    outcomes.push(rare ? await applyMapped(trx, provider, remote, mapping, entry, notifications) : outcomeOf[action]);
  }
  await write(trx, provider, pending);
  return outcomes;
}

async function write(trx: Db, provider: ProviderRow, { imports, echoes, synced, updates }: Pending) {
  await importAll(trx, provider, imports);
  if (echoes.length) {
    await sql`
      update calendar_event_mappings m
      set external_id = v.external_id, ical_uid = v.ical_uid, etag = v.etag, updated_at = now()
      from unnest(${echoes.map((e) => e.mapping.id)}::uuid[], ${echoes.map((e) => e.remote.id)}::text[],
                  ${echoes.map((e) => e.remote.iCalUid)}::text[], ${echoes.map((e) => e.remote.etag)}::text[]) as v(id, external_id, ical_uid, etag)
      where m.tenant_id = ${provider.tenant_id}::uuid and m.id = v.id`.execute(trx);
  }
  if (synced.length) {
    const columns = synced.map((s) => syncedColumns(s.remote));
    await sql`
      update calendar_event_mappings m
      set external_id = v.external_id, ical_uid = v.ical_uid, etag = v.etag, content_hash = v.content_hash,
          status = 'synced', last_error = null, last_synced_at = now(), updated_at = now()
      from unnest(${synced.map((s) => s.mapping.id)}::uuid[], ${synced.map((s) => s.remote.id)}::text[], ${synced.map((s) => s.remote.iCalUid)}::text[],
                  ${columns.map((c) => c.etag)}::text[], ${columns.map((c) => c.content_hash)}::text[]) as v(id, external_id, ical_uid, etag, content_hash)
      where m.tenant_id = ${provider.tenant_id}::uuid and m.id = v.id`.execute(trx);
  }
  await updateScheduleEntries(trx, provider.tenant_id, provider.user_id, updates);
}

/** Imports unmapped events: their entries, assignees and created events, then their mappings. */
async function importAll(trx: Db, provider: ProviderRow, imports: RemoteEvent[]) {
  if (imports.length === 0) return;
  const technicians = await techniciansAmong(trx, provider.tenant_id, [...new Set(imports.flatMap((r) => r.event!.attendees))]);
  const assignees = (remote: RemoteEvent) => importAssignees(provider, technicians.filter((u) => remote.event!.attendees.includes(u.email)).map((u) => u.id));
  const entries = await createScheduleEntries(trx, provider.tenant_id, provider.user_id, imports.map((remote) => importedEntry(remote, assignees(remote))));
  const rows = imports.map((remote, n) => importedMapping(provider, entries[n]!.id, remote));
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  await sql`
    insert into calendar_event_mappings (tenant_id, provider_id, schedule_entry_id, external_id, ical_uid, etag, content_hash, status, last_synced_at)
    select ${provider.tenant_id}::uuid, ${provider.id}::uuid, entry, external_id, ical_uid, etag, content_hash, status, last_synced_at
    from unnest(${column((r) => r.schedule_entry_id)}::uuid[], ${column((r) => r.external_id)}::text[], ${column((r) => r.ical_uid)}::text[],
                ${column((r) => r.etag)}::text[], ${column((r) => r.content_hash)}::text[], ${column((r) => r.status)}::text[],
                ${column((r) => r.last_synced_at.toISOString())}::timestamptz[]) as v(entry, external_id, ical_uid, etag, content_hash, status, last_synced_at)`.execute(trx);
}
