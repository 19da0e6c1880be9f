// notify / notifyAdmins / resolveNotifications against a real database: one open notification per
// recipient and dedupe key, a new one after resolve, and exactly the admins as recipients.
import t from 'tap';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import { createUser, forTenant } from '@switchboard/core';
import { notify, notifyAdmins, resolveNotifications, countUnread, listNotifications } from './notifications.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'notify-svc');
const other = await seedTenant(db, 'notify-svc-other');

const reconnect = (dedupeKey: string, title = 'Action required: reconnect your calendar') => ({
  tenantId: tenant.tenantId,
  userId: tenant.technician.id,
  kind: 'calendar.reconnect_required',
  severity: 'error' as const,
  title,
  body: 'Google refused the stored authorization.',
  link: '/profile?tab=calendar',
  dedupeKey,
});
const openRows = (dedupeKey: string) =>
  forTenant(db, tenant.tenantId).selectFrom('notifications').selectAll().where('dedupe_key', '=', dedupeKey).where('resolved_at', 'is', null).execute();

t.test('the decorator exposes notify, notifyAdmins and resolve', async (t) => {
  t.equal(app.notifications.notify, notify);
  t.equal(app.notifications.notifyAdmins, notifyAdmins);
  t.equal(app.notifications.resolve, resolveNotifications);
});

t.test('raising the same condition twice keeps one open notification, updated, read state kept', async (t) => {
  const first = await notify(db, reconnect('calendar.reconnect:p1'));
  t.equal(first.created, true);
  await db.updateTable('notifications').set({ read_at: new Date() }).where('id', '=', first.id).execute();
  const again = await notify(db, reconnect('calendar.reconnect:p1', 'Still disconnected'));
  t.same(again, { id: first.id, userId: tenant.technician.id, created: false }, 'the open row is touched');
  const rows = await openRows('calendar.reconnect:p1');
  t.equal(rows.length, 1);
  t.equal(rows[0].title, 'Still disconnected', 'the latest reason wins');
  t.ok(rows[0].read_at, 'a retry does not make an acknowledged notification unread again');
  t.ok(rows[0].updated_at.getTime() >= rows[0].created_at.getTime());
});

t.test('resolve clears it; raising after resolve creates a new one', async (t) => {
  const first = await notify(db, reconnect('calendar.reconnect:p2'));
  t.equal(await countUnread(db, tenant.tenantId, tenant.technician.id) >= 1, true);
  t.equal(await resolveNotifications(db, tenant.tenantId, 'calendar.reconnect:p2'), 1);
  t.equal(await resolveNotifications(db, tenant.tenantId, 'calendar.reconnect:p2'), 0, 'resolving twice is harmless');
  t.same(await openRows('calendar.reconnect:p2'), []);
  const resolved = await db.selectFrom('notifications').select('resolved_at').where('id', '=', first.id).executeTakeFirstOrThrow();
  t.ok(resolved.resolved_at);
  const unread = await listNotifications(db, tenant.tenantId, tenant.technician.id, { unread: true, limit: 100 });
  t.notOk(unread.items.some((n) => n.id === first.id), 'a resolved notification no longer counts as unread');

  const raisedAgain = await notify(db, reconnect('calendar.reconnect:p2'));
  t.equal(raisedAgain.created, true);
  t.not(raisedAgain.id, first.id);
  t.equal((await openRows('calendar.reconnect:p2')).length, 1);
});

t.test('without a dedupe key every raise is its own notification', async (t) => {
  const input = { ...reconnect('x'), dedupeKey: undefined, kind: 'calendar.sync_completed', severity: 'info' as const };
  const a = await notify(db, input);
  const b = await notify(db, input);
  t.not(a.id, b.id);
  t.ok(a.created && b.created);
});

t.test('resolve can be limited to one recipient', async (t) => {
  await notify(db, { ...reconnect('shared-key'), userId: tenant.admin.id });
  await notify(db, reconnect('shared-key'));
  t.equal(await resolveNotifications(db, tenant.tenantId, 'shared-key', { userId: tenant.admin.id }), 1);
  const open = await openRows('shared-key');
  t.same(open.map((r) => r.user_id), [tenant.technician.id]);
});

t.test('notifyAdmins reaches active internal users with system_settings.update, once each', async (t) => {
  const t2 = await seedTenant(db, 'notify-admins');
  const scope = forTenant(db, t2.tenantId);
  const inactiveAdmin = await createUser(db, t2.tenantId, { email: 'gone@notify-admins.test', displayName: 'Gone', userType: 'internal', roleNames: ['Admin'] });
  await scope.updateTable('users').set({ is_active: false }).where('id', '=', inactiveAdmin.id).execute();
  // A custom role carrying the permission counts; holding it twice still means one notification.
  const role = await scope.insertInto('roles', { name: 'Integrations manager', permissions: ['system_settings.update'] }).returning('id').executeTakeFirstOrThrow();
  const manager = await createUser(db, t2.tenantId, { email: 'mgr@notify-admins.test', displayName: 'Manager', userType: 'internal', roleNames: ['Admin'] });
  await scope.insertInto('user_roles', { user_id: manager.id, role_id: role.id }).execute();
  // A client-portal user never gets admin alerts, even with a role row that carries the permission.
  await scope.insertInto('user_roles', { user_id: t2.clientUser.id, role_id: role.id }).execute();

  const alert = { kind: 'integration.provider_error', severity: 'error' as const, title: 'Integration health: a calendar provider failed', body: 'Renewal failed 3 times.', link: '/settings?category=integrations', dedupeKey: 'health:provider:p9' };
  const raised = await notifyAdmins(db, t2.tenantId, alert);
  t.same(raised.map((r) => r.userId).sort(), [t2.admin.id, manager.id].sort(), 'not technicians, viewers, client users or inactive admins');
  t.ok(raised.every((r) => r.created));

  const retried = await notifyAdmins(db, t2.tenantId, alert);
  t.same(retried.map((r) => r.id).sort(), raised.map((r) => r.id).sort(), 'a retry touches the same rows');
  t.ok(retried.every((r) => !r.created));
  const count = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', t2.tenantId).executeTakeFirstOrThrow();
  t.equal(Number(count.n), 2);

  t.equal(await resolveNotifications(db, t2.tenantId, 'health:provider:p9'), 2, 'clearing the condition clears it for every admin');
  t.equal((await notifyAdmins(db, t2.tenantId, alert)).filter((r) => r.created).length, 2, 'the condition returning raises it anew');
});

t.test('tenants are isolated: resolve and notifyAdmins stay in their tenant, foreign recipients are refused', async (t) => {
  await notify(db, { ...reconnect('iso-key'), tenantId: other.tenantId, userId: other.technician.id });
  await notify(db, reconnect('iso-key'));
  t.equal(await resolveNotifications(db, tenant.tenantId, 'iso-key'), 1);
  const foreignOpen = await forTenant(db, other.tenantId).selectFrom('notifications').select('id').where('dedupe_key', '=', 'iso-key').where('resolved_at', 'is', null).execute();
  t.equal(foreignOpen.length, 1, "the other tenant's notification stays open");

  const raised = await notifyAdmins(db, other.tenantId, { kind: 'k', severity: 'info', title: 'Other tenant only' });
  t.same(raised.map((r) => r.userId), [other.admin.id]);
  await t.rejects(notify(db, { ...reconnect('cross'), userId: other.technician.id }), 'a user of another tenant cannot receive this tenant\'s notification');
});

t.test('bad input from a caller fails loudly and writes nothing', async (t) => {
  const before = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  await t.rejects(notify(db, { ...reconnect('bad'), link: 'https://evil.example/' }), /link: must be an in-app path/);
  await t.rejects(notify(db, { ...reconnect('bad'), link: '//evil.example/' }), /link/);
  await t.rejects(notify(db, { ...reconnect('bad'), title: '  ' }), /title/);
  await t.rejects(notify(db, { ...reconnect('bad'), severity: 'fatal' as 'error' }), /severity/);
  await t.rejects(notifyAdmins(db, tenant.tenantId, { kind: 'k', severity: 'info', title: 'x', link: 'javascript:alert(1)' }), /link/);
  const after = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  t.equal(after.n, before.n);
});

t.test('a notification raised in a rolled-back transaction is gone with it', async (t) => {
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await notify(trx, reconnect('rolled-back'));
      throw new Error('the state change failed');
    }),
  );
  t.same(await openRows('rolled-back'), []);
});
