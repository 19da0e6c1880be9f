// Inbound sync of one connection: page through the provider's changes since the stored cursor,
// apply each page in one transaction together with the page's cursor (so a cursor is stored only
// with the changes it covers). An expired cursor is dropped and the window listed again; mappings
// make the re-listing idempotent (no duplicate entries or mappings).
import { forTenant, type Db } from '@switchboard/core';
import { CursorExpired, type CalendarAdapter } from '../adapters/types.js';
import type { Notifier } from './calendar-jobs.js';
import { applyRemoteChange, type InboundOutcome } from './inbound.js';
import type { ProviderRow } from './providers.js';
import { syncWindow } from './sync-run.js';

export type PullCounts = Record<InboundOutcome, number> & { resets: number };

async function pullFrom(db: Db, adapter: CalendarAdapter, provider: ProviderRow, cursor: string | null, notifications: Notifier, counts: PullCounts) {
  for await (const page of adapter.listChanges(cursor, syncWindow())) {
    await db.transaction().execute(async (trx) => {
      for (const change of page.changes) counts[await applyRemoteChange(trx, provider, change, notifications)] += 1;
      if (page.nextCursor) {
        await forTenant(trx, provider.tenant_id).updateTable('calendar_providers').set({ sync_cursor: page.nextCursor }).where('id', '=', provider.id).execute();
      }
    });
  }
}

export async function pullProvider(db: Db, adapter: CalendarAdapter, provider: ProviderRow, notifications: Notifier, options: { reset?: boolean } = {}): Promise<PullCounts> {
  const counts: PullCounts = { echo: 0, updated: 0, deleted: 0, unassigned: 0, imported: 0, conflict: 0, ignored: 0, resets: 0 };
  const stored = await forTenant(db, provider.tenant_id).selectFrom('calendar_providers').select('sync_cursor').where('id', '=', provider.id).executeTakeFirst();
  const cursor = options.reset ? null : (stored?.sync_cursor ?? null);
  try {
    await pullFrom(db, adapter, provider, cursor, notifications, counts);
  } catch (err) {
    if (!(err instanceof CursorExpired)) throw err;
    counts.resets += 1;
    await forTenant(db, provider.tenant_id).updateTable('calendar_providers').set({ sync_cursor: null }).where('id', '=', provider.id).execute();
    await pullFrom(db, adapter, provider, null, notifications, counts);
  }
  return counts;
}
