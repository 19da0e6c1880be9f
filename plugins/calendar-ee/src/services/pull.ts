// Inbound sync of one connection: page through the provider's changes since the stored cursor,
// apply each page set-wise (inbound-page.ts) in one transaction together with the page's cursor
// (so a cursor is stored only with the changes it covers). An expired cursor (or a Graph `missed`
// notification) means changes were lost: the window is listed again and then reconciled, because
// a fresh listing carries no deletions — every mapped event it did not list is read once more, and
// what is gone is applied as a deletion. The old cursor stays until the reconcile is done, so a
// crash in between re-lists and reconciles again. Mappings make re-listing idempotent (no duplicate
// entries or mappings).
import { sql } from 'kysely';
import { forTenant, isUuid, type Db } from '@switchboard/core';
import { CursorExpired, type CalendarAdapter, type RemoteEvent } from '../adapters/types.js';
import type { Notifier } from './calendar-jobs.js';
import type { InboundOutcome } from './inbound.js';
import { applyRemotePage } from './inbound-page.js';
import type { ProviderRow } from './providers.js';
import { syncWindow } from './sync-run.js';

/** `malformedIds`: events whose mapping id was not a UUID, handled as made in the calendar (the job logs the counts). */
export type PullCounts = Record<InboundOutcome, number> & { resets: number; malformedIds: number };

/** Events re-read per transaction while reconciling. */
const RECONCILE_BATCH = 50;

const storeCursor = (db: Db, provider: ProviderRow, cursor: string) =>
  forTenant(db, provider.tenant_id).updateTable('calendar_providers').set({ sync_cursor: cursor }).where('id', '=', provider.id).execute();

/**
 * Asks the provider for the next page while the current one is applied, so the listing's latency
 * hides behind the database work; at most one page is read ahead, and pages are still applied (and
 * their cursors stored) one after the other, in order.
 */
async function* readAhead<T>(pages: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = pages[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      // Its failure is seen when it is awaited, or not at all when the pull stopped before it.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await next.catch(() => undefined);
    await iterator.return?.();
  }
}

/** Applies every page; returns the ids listed and the final cursor (stored with its page unless `holdCursor`). */
async function pullFrom(db: Db, adapter: CalendarAdapter, provider: ProviderRow, cursor: string | null, notifications: Notifier, counts: PullCounts, holdCursor: boolean) {
  const listed = new Set<string>();
  let finalCursor: string | null = null;
  for await (const page of readAhead(adapter.listChanges(cursor, syncWindow()))) {
    const changes = await withOwnershipKnown(db, adapter, provider, page.changes);
    await db.transaction().execute(async (trx) => {
      for (const outcome of await applyRemotePage(trx, provider, changes, notifications)) counts[outcome] += 1;
      if (page.nextCursor && !holdCursor) await storeCursor(trx, provider, page.nextCursor);
    });
    for (const change of changes) {
      // Ids only, and only a reset's reconcile reads them: the events themselves are not kept.
      if (holdCursor) listed.add(change.id);
      if (change.mappingId && !isUuid(change.mappingId)) counts.malformedIds += 1;
    }
    finalCursor = page.nextCursor ?? finalCursor;
  }
  return { listed, finalCursor };
}

/**
 * An unmapped event that may be ours (a Graph transactionId no mapping has: Outlook's own, or ours
 * after its mapping went) is read in full before it can be imported, so our own event is never
 * imported as a new one. Mapped events, and connections that do not import, cost no extra call.
 */
async function withOwnershipKnown(db: Db, adapter: CalendarAdapter, provider: ProviderRow, changes: RemoteEvent[]): Promise<RemoteEvent[]> {
  if (!provider.import_unmapped || provider.sync_direction === 'to_calendar') return changes;
  const candidates = changes.filter((c) => c.maybeMappingId && !c.mappingId && !c.cancelled && !c.occurrenceOf);
  if (candidates.length === 0) return changes;
  const mapped = await forTenant(db, provider.tenant_id)
    .selectFrom('calendar_event_mappings')
    .select(['id', 'external_id'])
    .where('provider_id', '=', provider.id)
    .where((eb) => eb.or([eb('external_id', 'in', candidates.map((c) => c.id)), eb('id', 'in', candidates.map((c) => c.maybeMappingId!))]))
    .execute();
  const known = new Set(mapped.flatMap((m) => [m.id, m.external_id]));
  return Promise.all(changes.map(async (c) => (candidates.includes(c) && !known.has(c.id) && !known.has(c.maybeMappingId!) ? ((await adapter.getEvent(c.id)) ?? c) : c)));
}

/** Mapped events of entries in the window that the re-list did not return. */
async function unlistedMappedEvents(db: Db, provider: ProviderRow, listed: Set<string>): Promise<string[]> {
  const window = syncWindow();
  const rows = await forTenant(db, provider.tenant_id)
    .selectFrom('calendar_event_mappings')
    .innerJoin('schedule_entries', (j) =>
      j.onRef('schedule_entries.id', '=', 'calendar_event_mappings.schedule_entry_id').onRef('schedule_entries.tenant_id', '=', 'calendar_event_mappings.tenant_id'),
    )
    .select('calendar_event_mappings.external_id')
    .where('calendar_event_mappings.provider_id', '=', provider.id)
    .where('calendar_event_mappings.external_id', 'is not', null)
    .where('schedule_entries.starts_at', '<', window.to)
    // A series that started before the window may still recur inside it.
    .where((eb) => eb.or([eb('schedule_entries.ends_at', '>', window.from), eb('schedule_entries.recurrence', 'is not', null)]))
    .execute();
  return rows.map((r) => r.external_id!).filter((id) => !listed.has(id));
}

/** Re-reads what a re-list left out: gone (404/410/cancelled) is a deletion, anything else a change the cursor missed. */
async function reconcile(db: Db, adapter: CalendarAdapter, provider: ProviderRow, listed: Set<string>, notifications: Notifier, counts: PullCounts) {
  const unlisted = await unlistedMappedEvents(db, provider, listed);
  for (let i = 0; i < unlisted.length; i += RECONCILE_BATCH) {
    const remotes: RemoteEvent[] = [];
    // Read first, then write in a short transaction: none is held across a provider call.
    for (const id of unlisted.slice(i, i + RECONCILE_BATCH)) {
      remotes.push((await adapter.getEvent(id)) ?? { id, etag: '', iCalUid: null, mappingId: null, cancelled: true, event: null });
    }
    await db.transaction().execute(async (trx) => {
      for (const outcome of await applyRemotePage(trx, provider, remotes, notifications)) counts[outcome] += 1;
    });
  }
}

/**
 * `reset`: the provider told us changes were missed (Graph `missed`). A first listing (no stored
 * cursor: a new or reconnected connection) is never reconciled: its unlisted mappings are the
 * push's to verify, not deletions.
 */
export async function pullProvider(db: Db, adapter: CalendarAdapter, provider: ProviderRow, notifications: Notifier, options: { reset?: boolean } = {}): Promise<PullCounts> {
  const counts: PullCounts = { echo: 0, updated: 0, deleted: 0, unassigned: 0, imported: 0, conflict: 0, ignored: 0, resets: 0, malformedIds: 0 };
  const stored = await forTenant(db, provider.tenant_id).selectFrom('calendar_providers').select('sync_cursor').where('id', '=', provider.id).executeTakeFirst();
  const cursor = stored?.sync_cursor ?? null;
  if (!(options.reset && cursor !== null)) {
    try {
      await pullFrom(db, adapter, provider, cursor, notifications, counts, false);
      return counts;
    } catch (err) {
      if (!(err instanceof CursorExpired)) throw err;
    }
  }
  counts.resets += 1;
  const { listed, finalCursor } = await pullFrom(db, adapter, provider, null, notifications, counts, true);
  await reconcile(db, adapter, provider, listed, notifications, counts);
  // Only the cursor this pull read from is replaced: a concurrent reconnect may have cleared it.
  if (finalCursor) {
    await forTenant(db, provider.tenant_id)
      .updateTable('calendar_providers')
      .set({ sync_cursor: finalCursor })
      .where('id', '=', provider.id)
      .where(sql<boolean>`sync_cursor is not distinct from ${cursor}`)
      .execute();
  }
  return counts;
}
