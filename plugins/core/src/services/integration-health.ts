// Integration health: the conditions an MSP admin must act on (calendar connections in error,
// push channels that could not be renewed or cannot work at all (a plain-http PUBLIC_URL), jobs stuck in the queue, Entra runs that failed), each
// with the reason and the action. A periodic job raises every condition to the admins once (one
// open notification per dedupe key) and resolves it when the condition clears.
import { sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';
import type { CalendarPushStatus } from './calendar-push.js';
import { notifyAdmins, resolveNotifications } from './notifications.js';

/**
 * The dedupe key entra-ee raises its "reconnect" notification under the moment Microsoft refuses the
 * partner token; the same key here keeps it one notification, resolved once the connection is back.
 */
export const ENTRA_RECONNECT_KEY = 'integration-health:entra-connection';
/** A job waiting or running longer than this is stuck. */
export const STUCK_JOB_MINUTES = 15;
const KEY_PREFIX = 'integration-health:';

export interface HealthCondition {
  kind: 'calendar_provider_error' | 'calendar_renewal_failed' | 'calendar_push_unavailable' | 'stuck_jobs' | 'entra_run_failed' | 'entra_needs_reconnect';
  severity: 'warning' | 'error';
  subject: string;
  reason: string;
  action: string;
  since: string;
  /** Stable identity of the condition: its notification's dedupe key. */
  key: string;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : new Date().toISOString());

export async function listHealthConditions(db: Db, tenantId: string, now = new Date(), calendarPush?: CalendarPushStatus): Promise<HealthCondition[]> {
  const scope = forTenant(db, tenantId);
  const conditions: HealthCondition[] = [];

  const providers = await scope
    .selectFrom('calendar_providers')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'calendar_providers.user_id').onRef('users.tenant_id', '=', 'calendar_providers.tenant_id'))
    .select(['calendar_providers.id', 'provider_type', 'calendar_providers.display_name', 'users.display_name as owner', 'status', 'error_message', 'needs_reconnect', 'consecutive_failures', 'channel_expires_at', 'calendar_providers.updated_at'])
    .where('status', 'in', ['connected', 'error'])
    .execute();
  for (const p of providers) {
    const subject = `${p.provider_type === 'google' ? 'Google' : 'Microsoft'} calendar of ${p.owner}`;
    if (p.status === 'error') {
      conditions.push({
        kind: 'calendar_provider_error',
        severity: 'error',
        subject,
        reason: p.error_message ?? 'Calendar sync stopped.',
        action: p.needs_reconnect ? `${p.owner} reconnects the calendar under Profile → Calendar.` : 'Check the calendar settings under Settings → Integrations → Providers, then run "Sync now".',
        since: iso(p.updated_at),
        key: `${KEY_PREFIX}calendar-error:${p.id}`,
      });
      continue;
    }
    const expired = p.channel_expires_at !== null && new Date(p.channel_expires_at).getTime() < now.getTime();
    if (p.consecutive_failures > 0 || expired) {
      conditions.push({
        kind: 'calendar_renewal_failed',
        severity: 'warning',
        subject,
        reason: expired ? 'The push channel expired: calendar changes arrive only with the periodic sweep.' : `Renewing the push channel failed ${p.consecutive_failures} time(s) in a row.`,
        action: 'Check that PUBLIC_URL is reachable from the provider (the webhook URLs under /api/calendar/webhooks/) and that workers are running; Switchboard retries on every sweep.',
        since: iso(p.updated_at),
        key: `${KEY_PREFIX}calendar-renewal:${p.id}`,
      });
    }
  }
  // After the connections' own conditions: a deployment setting, not something broken.
  if (calendarPush && !calendarPush.available && providers.length > 0) {
    conditions.push({
      kind: 'calendar_push_unavailable',
      severity: 'warning',
      subject: 'Calendar push notifications',
      reason: calendarPush.reason,
      action: 'Serve Switchboard at an https PUBLIC_URL with a valid certificate (for example behind a TLS-terminating reverse proxy); connections then open their push channels on the next sync.',
      since: iso(now),
      key: `${KEY_PREFIX}calendar-push-unavailable`,
    });
  }

  // Jobs carry their tenant in their data; a scheduled job (start_after in the future) is not stuck.
  const stuck = await sql<{ name: string; jobs: string | number; since: Date }>`
    select name, count(*) as jobs, min(coalesce(started_on, start_after)) as since
    from pgboss.job
    where data->>'tenantId' = ${tenantId}
      and ((state = 'active' and started_on < ${now}::timestamptz - make_interval(mins => ${STUCK_JOB_MINUTES}))
        or (state in ('created', 'retry') and start_after < ${now}::timestamptz - make_interval(mins => ${STUCK_JOB_MINUTES})))
    group by name order by name`
    .execute(db)
    .then((r) => r.rows)
    .catch(() => []);
  for (const q of stuck) {
    conditions.push({
      kind: 'stuck_jobs',
      severity: 'warning',
      subject: `Job queue ${q.name}`,
      reason: `${Number(q.jobs)} job(s) waiting or running for more than ${STUCK_JOB_MINUTES} minutes.`,
      action: 'Make sure at least one worker runs (SWITCHBOARD_WORKERS=inline or `npm run worker`) and check its logs for this queue.',
      since: iso(q.since),
      key: `${KEY_PREFIX}stuck-jobs:${q.name}`,
    });
  }

  const connection = await scope.selectFrom('entra_connections').select(['last_error', 'updated_at']).where('status', '=', 'needs_reconnect').executeTakeFirst();
  if (connection) {
    conditions.push({
      kind: 'entra_needs_reconnect',
      severity: 'error',
      subject: 'Entra connection',
      reason: connection.last_error ?? 'Microsoft no longer accepts the partner sign-in.',
      action: 'Open Settings → Integrations → Microsoft Entra and choose Reconnect; mappings and links are kept.',
      since: iso(connection.updated_at),
      key: ENTRA_RECONNECT_KEY,
    });
  }

  // Only the latest finished run counts: a later successful run clears the condition.
  const run = await scope
    .selectFrom('entra_sync_runs')
    .select(['id', 'status', 'error', 'finished_at'])
    .where('parent_run_id', 'is', null)
    .where('status', 'in', ['succeeded', 'partial', 'failed'])
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (run && (run.status === 'failed' || run.status === 'partial')) {
    conditions.push({
      kind: 'entra_run_failed',
      severity: run.status === 'failed' ? 'error' : 'warning',
      subject: 'Entra sync',
      reason: run.error ?? 'The last Entra sync run failed.',
      action: 'Open Settings → Integrations → Entra, check the connection and the failed tenants of the last run, then run the sync again.',
      since: iso(run.finished_at),
      key: `${KEY_PREFIX}entra-run`,
    });
  }
  return conditions;
}

/** Raises each open condition to the tenant's admins once and resolves the ones that cleared. */
export async function reconcileHealthNotifications(db: Db, tenantId: string, now = new Date()): Promise<{ raised: number; resolved: number }> {
  const conditions = await listHealthConditions(db, tenantId, now);
  let raised = 0;
  for (const c of conditions) {
    const rows = await notifyAdmins(db, tenantId, {
      kind: `integration.${c.kind}`,
      severity: c.severity,
      title: `Integration health: ${c.subject}`,
      body: `${c.reason} ${c.action}`.slice(0, 2000),
      link: '/settings?category=providers',
      dedupeKey: c.key,
    });
    raised += rows.filter((r) => r.created).length;
  }
  const current = new Set(conditions.map((c) => c.key));
  const open = await forTenant(db, tenantId)
    .selectFrom('notifications')
    .select('dedupe_key')
    .distinct()
    .where('dedupe_key', 'like', `${KEY_PREFIX}%`)
    .where('resolved_at', 'is', null)
    .execute();
  let resolved = 0;
  for (const { dedupe_key } of open) if (dedupe_key && !current.has(dedupe_key)) resolved += await resolveNotifications(db, tenantId, dedupe_key);
  return { raised, resolved };
}

export async function reconcileAllTenants(db: Db, now = new Date()) {
  const tenants = await db.selectFrom('tenants').select('id').execute();
  for (const t of tenants) await reconcileHealthNotifications(db, t.id, now);
}
