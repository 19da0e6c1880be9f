// Connections that depend on a consumer's binding: mailboxes (Email) and technicians' calendars
// (Calendar) authorized through the bound profile's app registration. When the binding moves to
// another app or is cleared they stop working, so the admin is told which ones before confirming
// and they are marked "reconnect needed" after. Each feature registers the connections it owns
// (calendar-ee registers its calendars); Email's mailboxes live in this plugin's tables.
import { sql, type Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { forTenant, notifyAdmins, type Db } from '@switchboard/core';

/** The app registration the connections were authorized with, and the one they would need now. */
export interface BindingChange {
  previousClientId: string;
  /** Null when the binding is cleared. */
  nextClientId: string | null;
}

export interface AffectedConnection {
  /** The technician who owns it; null for a shared mailbox. */
  userId: string | null;
  displayName: string;
  /** What is connected, e.g. the calendar account or the mailbox address. */
  connection: string;
}

export interface ConsumerDependent {
  consumer: 'email' | 'calendar';
  /** Connections the change would break. */
  affected(db: Db, tenantId: string, change: BindingChange): Promise<AffectedConnection[]>;
  /** Marks those connections needs_reconnect and tells their owners, in the binding's transaction. */
  markNeedsReconnect(trx: Transaction<Database>, tenantId: string, change: BindingChange): Promise<AffectedConnection[]>;
}

/**
 * A connection breaks when it was authorized through the previous app (or is from before we
 * recorded which app: assumed to be) and the new binding is not the same app registration.
 */
export function authorizedThroughPrevious(change: BindingChange) {
  const previous = change.previousClientId.toLowerCase();
  const next = change.nextClientId?.toLowerCase() ?? null;
  return (column: 'email_providers.authorized_client_id' | 'calendar_providers.authorized_client_id') =>
    next === previous ? sql<boolean>`false` : sql<boolean>`(${sql.ref(column)} is null or lower(${sql.ref(column)}) = ${previous})`;
}

function affectedMailboxes(db: Db, tenantId: string, change: BindingChange) {
  return forTenant(db, tenantId)
    .selectFrom('email_providers')
    .select(['id', 'mailbox'])
    .where('provider_type', '=', 'microsoft')
    .where('is_active', '=', true)
    .where('needs_reconnect', '=', false)
    .where(authorizedThroughPrevious(change)('email_providers.authorized_client_id'))
    .orderBy('mailbox');
}

const toMailbox = (row: { mailbox: string }): AffectedConnection => ({ userId: null, displayName: row.mailbox, connection: row.mailbox });

export const emailDependent: ConsumerDependent = {
  consumer: 'email',
  affected: async (db, tenantId, change) => (await affectedMailboxes(db, tenantId, change).execute()).map(toMailbox),
  async markNeedsReconnect(trx, tenantId, change) {
    const rows = await affectedMailboxes(trx, tenantId, change).forUpdate().execute();
    if (rows.length === 0) return [];
    await forTenant(trx, tenantId)
      .updateTable('email_providers')
      .set({ needs_reconnect: true, updated_at: sql`now()` })
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
    // Mailboxes belong to nobody in particular: the admins reconnect them.
    for (const row of rows) {
      await notifyAdmins(trx, tenantId, {
        kind: 'email.reconnect_required',
        severity: 'error',
        title: `Action required: authorize the mailbox ${row.mailbox} again`,
        body: 'The Email consumer was bound to another Microsoft app, so this mailbox is no longer read or sent through until it is authorized again.',
        link: '/settings?category=providers',
        dedupeKey: `email.reconnect:${row.id}`,
      });
    }
    return rows.map(toMailbox);
  },
};
