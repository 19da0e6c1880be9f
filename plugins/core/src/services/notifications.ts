// In-app notifications. Features raise a condition under a dedupe key (`notify`, `notifyAdmins`)
// and clear it when the condition clears (`resolveNotifications`); raising an open condition
// again — every retry of a failing job does — touches the one open row instead of adding another.
// All functions take the db or the caller's transaction, so a notification commits with the state
// change that caused it.
import { sql, type Selectable } from 'kysely';
import type { NotificationsTable } from '@switchboard/db';
import { NotFound } from '../errors.js';
import { forTenant, type Db } from '../tenancy.js';
import { notificationInput, type Notification, type NotificationInput, type NotificationListQuery } from '../schemas/notifications.js';

/** The permission that makes an internal user an admin recipient of integration alerts. */
export const ADMIN_PERMISSION = 'system_settings.update';

export const toNotification = (row: Selectable<NotificationsTable>): Notification => ({
  id: row.id,
  kind: row.kind,
  severity: row.severity,
  title: row.title,
  body: row.body,
  link: row.link,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  readAt: row.read_at?.toISOString() ?? null,
  resolvedAt: row.resolved_at?.toISOString() ?? null,
});

function parseInput(input: NotificationInput) {
  const parsed = notificationInput.safeParse(input);
  // A caller bug, not user input: fail the job or request loudly with what was wrong.
  if (!parsed.success) throw new Error(`Invalid notification: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * What a re-raise changes: the content (the latest reason is the useful one) and updated_at. The
 * read state stays, so a retry loop does not make an acknowledged alert unread again.
 */
const onRaiseAgain = {
  kind: sql<string>`excluded.kind`,
  severity: sql<Notification['severity']>`excluded.severity`,
  title: sql<string>`excluded.title`,
  body: sql<string>`excluded.body`,
  link: sql<string | null>`excluded.link`,
  updated_at: sql<Date>`now()`,
};
const openKey = ['tenant_id', 'user_id', 'dedupe_key'] as const;

export interface RaisedNotification {
  id: string;
  userId: string;
  /** False when an open notification with the same dedupe key was touched instead. */
  created: boolean;
}

export async function notify(db: Db, input: NotificationInput & { tenantId: string; userId: string }): Promise<RaisedNotification> {
  const n = parseInput(input);
  const row = await forTenant(db, input.tenantId)
    .insertInto('notifications', {
      user_id: input.userId,
      kind: n.kind,
      severity: n.severity,
      title: n.title,
      body: n.body,
      link: n.link ?? null,
      dedupe_key: n.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.columns([...openKey]).where('resolved_at', 'is', null).doUpdateSet(onRaiseAgain))
    // xmax is 0 only on a row this statement inserted.
    .returning(['id', 'user_id', sql<boolean>`(xmax = 0)`.as('created')])
    .executeTakeFirstOrThrow();
  return { id: row.id, userId: row.user_id, created: row.created };
}

/** Raises the notification for every active internal user who may change system settings. */
export async function notifyAdmins(db: Db, tenantId: string, input: NotificationInput): Promise<RaisedNotification[]> {
  const n = parseInput(input);
  const text = (value: string | null | undefined) => sql<string>`${value ?? null}::text`;
  const admins = forTenant(db, tenantId)
    .selectFrom('users')
    .where('users.user_type', '=', 'internal')
    .where('users.is_active', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('user_roles')
          .innerJoin('roles', 'roles.id', 'user_roles.role_id')
          .whereRef('user_roles.user_id', '=', 'users.id')
          .whereRef('user_roles.tenant_id', '=', 'users.tenant_id')
          .where(sql<boolean>`${ADMIN_PERMISSION} = any(roles.permissions)`)
          .select(sql`1`.as('one')),
      ),
    )
    .select([
      'users.tenant_id',
      'users.id',
      text(n.kind).as('kind'),
      text(n.severity).as('severity'),
      text(n.title).as('title'),
      text(n.body).as('body'),
      text(n.link).as('link'),
      text(n.dedupeKey).as('dedupe_key'),
    ]);
  // One statement for all recipients; the select above is tenant-scoped, so is the insert.
  const rows = await db
    .insertInto('notifications')
    .columns(['tenant_id', 'user_id', 'kind', 'severity', 'title', 'body', 'link', 'dedupe_key'])
    .expression(admins)
    .onConflict((oc) => oc.columns([...openKey]).where('resolved_at', 'is', null).doUpdateSet(onRaiseAgain))
    .returning(['id', 'user_id', sql<boolean>`(xmax = 0)`.as('created')])
    .execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, created: r.created }));
}

/** Clears the open notifications raised under `dedupeKey` (every recipient's, or one user's). Returns how many. */
export async function resolveNotifications(db: Db, tenantId: string, dedupeKey: string, options: { userId?: string } = {}): Promise<number> {
  let q = forTenant(db, tenantId)
    .updateTable('notifications')
    .set({ resolved_at: sql`now()`, updated_at: sql`now()` })
    .where('dedupe_key', '=', dedupeKey)
    .where('resolved_at', 'is', null);
  if (options.userId) q = q.where('user_id', '=', options.userId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Unread means not read and still open: a resolved condition needs nobody's attention. */
export async function countUnread(db: Db, tenantId: string, userId: string): Promise<number> {
  const row = await forTenant(db, tenantId)
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listNotifications(db: Db, tenantId: string, userId: string, q: NotificationListQuery) {
  let base = forTenant(db, tenantId).selectFrom('notifications').where('user_id', '=', userId);
  if (q.unread) base = base.where('read_at', 'is', null).where('resolved_at', 'is', null);
  const [rows, unreadCount] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute(),
    countUnread(db, tenantId, userId),
  ]);
  return { items: rows.map(toNotification), unreadCount };
}

/** Marks one of the user's own notifications read (keeping the first read time); another's is not found. */
export async function markNotificationRead(db: Db, tenantId: string, userId: string, id: string): Promise<Notification> {
  const row = await forTenant(db, tenantId)
    .updateTable('notifications')
    .set({ read_at: sql`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFound('Notification');
  return toNotification(row);
}

export async function markAllNotificationsRead(db: Db, tenantId: string, userId: string): Promise<number> {
  const res = await forTenant(db, tenantId)
    .updateTable('notifications')
    .set({ read_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** What other plugins use as `app.notifications` (decorated by ../plugin.ts). */
export const notificationCenter = { notify, notifyAdmins, resolve: resolveNotifications };
export type NotificationCenter = typeof notificationCenter;

declare module 'fastify' {
  interface FastifyInstance {
    /** Raise and clear in-app notifications: `app.notifications.notifyAdmins(trx, tenantId, {...})`. */
    notifications: NotificationCenter;
  }
}
