// Calendar connections ("providers"): one per technician and provider type. Responses carry
// status, last sync, error and a derived token status, never a token.
import { sql, type Selectable } from 'kysely';
import type { CalendarProvidersTable } from '@switchboard/db';
import { Conflict, Forbidden, NotFound, forTenant, recordAudit, type CalendarPushStatus, type Db } from '@switchboard/core';
import type { ProviderInput, ProviderPatch } from '../schemas.js';

export const tokensSecretName = (providerId: string) => `calendar_provider:${providerId}:tokens`;
export const webhookSecretName = (providerId: string) => `calendar_provider:${providerId}:webhook`;

export type ProviderRow = Selectable<CalendarProvidersTable>;

/** Who is asking: technicians see and change only their own connections; settings editors all of the tenant's. */
export interface Viewer {
  tenantId: string;
  userId: string;
  isAdmin: boolean;
}

export type TokenStatus = 'missing' | 'valid' | 'revoked';

/** pg-boss's default job expiry (calendar jobs set none): no sync job runs longer than this. */
const SYNC_JOB_EXPIRY_MS = 15 * 60_000;

/**
 * The row's progress while a sync can be running. A worker killed mid-sync leaves its progress
 * behind (only a finished or failed run clears it); the page must not show that as a sync for ever.
 */
function runningProgress(row: ProviderRow) {
  const progress = row.sync_progress;
  if (!progress || !isActive(row)) return null;
  return Date.now() - Date.parse(progress.startedAt) < SYNC_JOB_EXPIRY_MS ? progress : null;
}

export function toProvider(row: ProviderRow & { user_display_name?: string }, hasTokens: boolean) {
  return {
    id: row.id,
    userId: row.user_id,
    userDisplayName: row.user_display_name ?? null,
    providerType: row.provider_type,
    displayName: row.display_name,
    accountEmail: row.account_email,
    calendarId: row.calendar_id,
    syncDirection: row.sync_direction,
    importUnmapped: row.import_unmapped,
    status: row.status,
    error: row.error_message,
    tokenStatus: (!hasTokens ? 'missing' : row.needs_reconnect ? 'revoked' : 'valid') as TokenStatus,
    lastSyncAt: row.last_sync_at?.toISOString() ?? null,
    syncProgress: runningProgress(row),
    /** Push channel (Google) / subscription (Graph) health. */
    health: {
      channelActive: row.channel_id !== null && (row.channel_expires_at?.getTime() ?? 0) > Date.now(),
      channelExpiresAt: row.channel_expires_at?.toISOString() ?? null,
      lastNotificationAt: row.last_notification_at?.toISOString() ?? null,
      consecutiveFailures: row.consecutive_failures,
    },
    connectedAt: row.connected_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type CalendarProvider = ReturnType<typeof toProvider>;

/** A connection as the API shows it: with whether push can work on this server at all (PUBLIC_URL is https). */
export const withPush = (provider: CalendarProvider, push: CalendarPushStatus) => ({ ...provider, push });

async function withTokenFlags(db: Db, tenantId: string, rows: (ProviderRow & { user_display_name?: string })[]) {
  if (rows.length === 0) return [];
  const names = await forTenant(db, tenantId)
    .selectFrom('tenant_secrets')
    .select('name')
    .where('name', 'in', rows.map((r) => tokensSecretName(r.id)))
    .execute();
  const present = new Set(names.map((n) => n.name));
  return rows.map((row) => toProvider(row, present.has(tokensSecretName(row.id))));
}

export async function listProviders(db: Db, viewer: Viewer, scope: 'mine' | 'all') {
  if (scope === 'all' && !viewer.isAdmin) throw new Forbidden('You need the system_settings.update permission to see every calendar connection.');
  let q = forTenant(db, viewer.tenantId)
    .selectFrom('calendar_providers')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'calendar_providers.user_id').onRef('users.tenant_id', '=', 'calendar_providers.tenant_id'))
    .selectAll('calendar_providers')
    .select('users.display_name as user_display_name');
  if (scope === 'mine') q = q.where('calendar_providers.user_id', '=', viewer.userId);
  const rows = await q.orderBy('users.display_name').orderBy('calendar_providers.provider_type').execute();
  return withTokenFlags(db, viewer.tenantId, rows);
}

/** The provider if the viewer may see it; another user's (for a non-admin) or another tenant's is a 404. */
export async function findProvider(db: Db, viewer: Viewer, id: string): Promise<ProviderRow> {
  let q = forTenant(db, viewer.tenantId).selectFrom('calendar_providers').selectAll().where('id', '=', id);
  if (!viewer.isAdmin) q = q.where('user_id', '=', viewer.userId);
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFound('Calendar connection');
  return row;
}

export async function getProvider(db: Db, viewer: Viewer, id: string) {
  const [provider] = await withTokenFlags(db, viewer.tenantId, [await findProvider(db, viewer, id)]);
  return provider;
}

const LABEL = { google: 'Google Calendar', microsoft: 'Microsoft 365 calendar' } as const;

export async function createProvider(trx: Db, viewer: Viewer, input: ProviderInput) {
  // One statement against the (tenant, user, provider type) unique index: of concurrent creates
  // one inserts, the others get the 409 below pointing at the connection that won.
  const row = await forTenant(trx, viewer.tenantId)
    .insertInto('calendar_providers', {
      user_id: viewer.userId,
      provider_type: input.providerType,
      display_name: input.displayName ?? LABEL[input.providerType],
      sync_direction: input.syncDirection,
      import_unmapped: input.importUnmapped,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'provider_type']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const existing = await forTenant(trx, viewer.tenantId)
      .selectFrom('calendar_providers')
      .select('id')
      .where('user_id', '=', viewer.userId)
      .where('provider_type', '=', input.providerType)
      .executeTakeFirst();
    throw new Conflict(`You already have a ${LABEL[input.providerType]} connection. Reconnect or remove it instead.`, existing ? { providerId: existing.id } : undefined);
  }
  await recordAudit(trx, { tenantId: viewer.tenantId, actorUserId: viewer.userId, action: 'calendar_provider.created', targetType: 'calendar_provider', targetId: row.id, details: { providerType: row.provider_type } });
  return toProvider(row, false);
}

export async function updateProvider(trx: Db, viewer: Viewer, id: string, patch: ProviderPatch) {
  await findProvider(trx, viewer, id);
  await forTenant(trx, viewer.tenantId)
    .updateTable('calendar_providers')
    .set({ display_name: patch.displayName, sync_direction: patch.syncDirection, import_unmapped: patch.importUnmapped, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, { tenantId: viewer.tenantId, actorUserId: viewer.userId, action: 'calendar_provider.updated', targetType: 'calendar_provider', targetId: id, details: { fields: Object.keys(patch) } });
  return getProvider(trx, viewer, id);
}

/** Syncs: connected, or in `error` for a reason that may heal by itself (not a revoked grant). */
export const isActive = (provider: Pick<ProviderRow, 'status' | 'needs_reconnect'>) =>
  provider.status === 'connected' || (provider.status === 'error' && !provider.needs_reconnect);

/** Marks the connection broken with a message for the person who owns it. */
export async function markProviderError(db: Db, tenantId: string, id: string, message: string, options: { countFailure?: boolean } = {}) {
  await forTenant(db, tenantId)
    .updateTable('calendar_providers')
    .set({
      status: 'error',
      error_message: message,
      ...(options.countFailure === false ? {} : { consecutive_failures: sql`consecutive_failures + 1` }),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}
