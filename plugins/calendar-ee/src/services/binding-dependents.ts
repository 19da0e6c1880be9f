// The technicians' Microsoft calendars as dependents of the Calendar consumer binding: when an
// admin binds Calendar to another app registration (or clears it), the calendars authorized through
// the previous one can no longer sync. microsoft-bindings asks which ones before the admin confirms
// and has them marked here after: error + needs_reconnect (sync stops, the card says "Reconnect
// needed") and their technician is told, until they reconnect (the connect callback resolves it).
import { sql } from 'kysely';
import { forTenant, notify, type Db } from '@switchboard/core';
import { authorizedThroughPrevious, type BindingChange, type ConsumerDependent } from '@switchboard/microsoft-bindings';
import { reconnectKey } from './calendar-jobs.js';

const MESSAGE = 'Action required: reconnect your calendar. Your organization moved Microsoft calendars to another app registration, so this connection stopped syncing.';

function affectedCalendars(db: Db, tenantId: string, change: BindingChange) {
  return forTenant(db, tenantId)
    .selectFrom('calendar_providers')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'calendar_providers.user_id').onRef('users.tenant_id', '=', 'calendar_providers.tenant_id'))
    .select(['calendar_providers.id', 'calendar_providers.user_id', 'calendar_providers.account_email', 'calendar_providers.display_name', 'users.display_name as owner'])
    .where('calendar_providers.provider_type', '=', 'microsoft')
    // Never connected (or disconnected) has no authorization to lose; already marked needs no second mark.
    .where('calendar_providers.connected_at', 'is not', null)
    .where('calendar_providers.status', '<>', 'disconnected')
    .where('calendar_providers.needs_reconnect', '=', false)
    .where(authorizedThroughPrevious(change)('calendar_providers.authorized_client_id'))
    .orderBy('users.display_name');
}

type Row = { user_id: string; owner: string; account_email: string | null; display_name: string };
const toAffected = (row: Row) => ({ userId: row.user_id, displayName: row.owner, connection: row.account_email ?? row.display_name });

export const calendarBindingDependent: ConsumerDependent = {
  consumer: 'calendar',
  affected: async (db, tenantId, change) => (await affectedCalendars(db, tenantId, change).execute()).map(toAffected),
  async markNeedsReconnect(trx, tenantId, change) {
    const rows = await affectedCalendars(trx, tenantId, change).forUpdate('calendar_providers').execute();
    if (rows.length === 0) return [];
    await forTenant(trx, tenantId)
      .updateTable('calendar_providers')
      .set({ status: 'error', needs_reconnect: true, error_message: MESSAGE, updated_at: sql`now()` })
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
    for (const row of rows) {
      await notify(trx, {
        tenantId,
        userId: row.user_id,
        kind: 'calendar.reconnect_required',
        severity: 'error',
        title: 'Action required: reconnect your calendar',
        body: MESSAGE,
        link: '/profile?tab=calendar',
        dedupeKey: reconnectKey(row.id),
      });
    }
    return rows.map(toAffected);
  },
};
