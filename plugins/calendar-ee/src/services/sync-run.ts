// A whole-connection sync ("Sync now", after connecting, and the periodic sweep): calendar changes
// are pulled first (so a change on both sides is seen as a conflict, not overwritten, and a deletion
// made in the calendar reaches the PSA), then every entry assigned to the technician in the sync
// window is pushed — re-creating events the calendar lost — and every mapping whose entry is gone
// or no longer theirs is removed. Progress is kept on the provider row for the UI, and
// calendar.sync_started|completed|failed events go to the outbox.
import { sql } from 'kysely';
import { appendEvent, forTenant, listScheduleEntries, type Db } from '@switchboard/core';
import type { SyncProgress } from '@switchboard/db';
import type { CalendarAdapter } from '../adapters/types.js';
import { pushEntry, type PushOutcome } from './push.js';
import type { ProviderRow } from './providers.js';
import { pullProvider, type PullCounts } from './pull.js';
import type { Notifier } from './calendar-jobs.js';

/** Entries from a month back to a year ahead are kept in sync (recurring series whenever they recur). */
export function syncWindow(now = new Date()) {
  return { from: new Date(now.getTime() - 30 * 86_400_000), to: new Date(now.getTime() + 365 * 86_400_000) };
}

async function entryIdsToSync(db: Db, provider: ProviderRow): Promise<string[]> {
  const window = syncWindow();
  const ids = new Set<string>();
  for (let offset = 0; ; offset += 500) {
    const page = await listScheduleEntries(db, provider.tenant_id, { from: window.from.toISOString(), to: window.to.toISOString(), assigneeId: provider.user_id, limit: 500, offset });
    for (const entry of page.items) ids.add(entry.id);
    if (offset + 500 >= page.total) break;
  }
  const mapped = await forTenant(db, provider.tenant_id).selectFrom('calendar_event_mappings').select('schedule_entry_id').where('provider_id', '=', provider.id).execute();
  for (const m of mapped) ids.add(m.schedule_entry_id);
  return [...ids];
}

async function setProgress(db: Db, provider: ProviderRow, progress: SyncProgress | null, finished = false) {
  await forTenant(db, provider.tenant_id)
    .updateTable('calendar_providers')
    .set({ sync_progress: progress ? JSON.stringify(progress) : null, ...(finished ? { last_sync_at: sql`now()`, consecutive_failures: 0 } : {}) })
    .where('id', '=', provider.id)
    .execute();
}

const event = (db: Db, provider: ProviderRow, type: string, payload: Record<string, unknown>) =>
  appendEvent(db, { tenantId: provider.tenant_id, type, aggregateType: 'calendar_provider', aggregateId: provider.id, payload: { providerId: provider.id, userId: provider.user_id, ...payload } });

export async function syncProvider(db: Db, adapter: CalendarAdapter, provider: ProviderRow, notifications: Notifier): Promise<{ pushed: Record<PushOutcome, number>; pulled: PullCounts | null }> {
  const counts: Record<PushOutcome, number> = { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, conflict: 0, missing: 0 };
  const startedAt = new Date().toISOString();
  await event(db, provider, 'calendar.sync_started', { startedAt });
  try {
    let pulled: PullCounts | null = null;
    if (provider.sync_direction !== 'to_calendar') {
      await setProgress(db, provider, { phase: 'pull', done: 0, total: 0, startedAt });
      pulled = await pullProvider(db, adapter, provider, notifications);
    }
    const ids = await entryIdsToSync(db, provider);
    await setProgress(db, provider, { phase: 'push', done: 0, total: ids.length, startedAt });
    for (const [i, id] of ids.entries()) {
      counts[await pushEntry(db, adapter, provider, id, notifications, { afterPull: true })] += 1;
      if ((i + 1) % 10 === 0) await setProgress(db, provider, { phase: 'push', done: i + 1, total: ids.length, startedAt });
    }
    await setProgress(db, provider, null, true);
    await event(db, provider, 'calendar.sync_completed', { startedAt, pushed: counts, pulled });
    return { pushed: counts, pulled };
  } catch (err) {
    await setProgress(db, provider, null);
    await event(db, provider, 'calendar.sync_failed', { startedAt, error: (err as Error).name });
    throw err;
  }
}
