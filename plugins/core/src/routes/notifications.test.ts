// GET /api/notifications, POST /api/notifications/:id/read, POST /api/notifications/read-all:
// each signed-in user (internal or client portal) sees and changes only their own.
import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { notify, resolveNotifications } from '../services/notifications.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'notif-a');
const tenantB = await seedTenant(db, 'notif-b');
const tech = await signIn(app, tenantA.technician.email);
const admin = await signIn(app, tenantA.admin.email);
const portal = await signIn(app, tenantA.clientUser.email);
const techB = await signIn(app, tenantB.technician.email);

const raise = (who: { tenantId: string; userId: string }, title: string, extra: { dedupeKey?: string; link?: string } = {}) =>
  notify(db, { ...who, kind: 'calendar.conflict', severity: 'warning', title, body: `${title} body`, ...extra });
const techA = { tenantId: tenantA.tenantId, userId: tenantA.technician.id };

t.test('lists own notifications newest first with the unread count', async (t) => {
  const older = await raise(techA, 'Older', { link: '/profile?tab=calendar' });
  const newer = await raise(techA, 'Newer');
  await raise({ tenantId: tenantA.tenantId, userId: tenantA.admin.id }, 'For the admin');
  const res = await tech.request('GET', '/api/notifications');
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(body.items.map((n: { id: string }) => n.id), [newer.id, older.id]);
  t.equal(body.unreadCount, 2);
  t.match(body.items[1], { title: 'Older', body: 'Older body', link: '/profile?tab=calendar', severity: 'warning', kind: 'calendar.conflict', readAt: null, resolvedAt: null });
  t.same(Object.keys(body.items[1]).sort(), ['body', 'createdAt', 'id', 'kind', 'link', 'readAt', 'resolvedAt', 'severity', 'title', 'updatedAt']);
  t.equal((await tech.request('GET', '/api/notifications?limit=1')).json().items.length, 1, 'limit caps the page, not the count');
  t.equal((await tech.request('GET', '/api/notifications?limit=1')).json().unreadCount, 2);
});

t.test('marks one read; unread=true then leaves it out; marking again keeps the first read time', async (t) => {
  const n = await raise(techA, 'Read me');
  const res = await tech.request('POST', `/api/notifications/${n.id}/read`);
  t.equal(res.statusCode, 200);
  const readAt = res.json().readAt;
  t.ok(readAt);
  const again = await tech.request('POST', `/api/notifications/${n.id}/read`);
  t.equal(again.json().readAt, readAt);
  const unread = (await tech.request('GET', '/api/notifications?unread=true')).json();
  t.notOk(unread.items.some((i: { id: string }) => i.id === n.id));
  t.ok(unread.items.every((i: { readAt: string | null }) => i.readAt === null));
  t.equal(unread.unreadCount, unread.items.length);
});

t.test('resolved notifications stay listed as history but are not unread', async (t) => {
  const n = await raise(techA, 'Will clear', { dedupeKey: 'route-resolve' });
  const before = (await tech.request('GET', '/api/notifications')).json().unreadCount;
  await resolveNotifications(db, tenantA.tenantId, 'route-resolve');
  const after = (await tech.request('GET', '/api/notifications')).json();
  t.equal(after.unreadCount, before - 1);
  t.ok(after.items.find((i: { id: string }) => i.id === n.id).resolvedAt);
});

t.test('read-all marks every own notification read and nobody else\'s', async (t) => {
  const adminNote = await raise({ tenantId: tenantA.tenantId, userId: tenantA.admin.id }, 'Admin keeps this unread');
  await raise(techA, 'One more');
  const res = await tech.request('POST', '/api/notifications/read-all');
  t.equal(res.statusCode, 200);
  t.ok(res.json().updated >= 1);
  t.equal(res.json().unreadCount, 0);
  t.equal((await tech.request('GET', '/api/notifications')).json().unreadCount, 0);
  const adminList = (await admin.request('GET', '/api/notifications?unread=true')).json();
  t.ok(adminList.items.some((i: { id: string }) => i.id === adminNote.id));
  t.equal((await tech.request('POST', '/api/notifications/read-all')).json().updated, 0, 'nothing left to mark');
});

t.test('client-portal users see their own notifications', async (t) => {
  const n = await raise({ tenantId: tenantA.tenantId, userId: tenantA.clientUser.id }, 'Portal note');
  const list = (await portal.request('GET', '/api/notifications')).json();
  t.same(list.items.map((i: { id: string }) => i.id), [n.id]);
  t.equal((await portal.request('POST', `/api/notifications/${n.id}/read`)).statusCode, 200);
});

t.test("someone else's notification is not found, in the same tenant or another", async (t) => {
  const adminNote = await raise({ tenantId: tenantA.tenantId, userId: tenantA.admin.id }, 'Not yours');
  const foreign = await raise({ tenantId: tenantB.tenantId, userId: tenantB.technician.id }, 'Other tenant');
  for (const id of [adminNote.id, foreign.id, '00000000-0000-4000-8000-000000000000']) {
    const res = await tech.request('POST', `/api/notifications/${id}/read`);
    t.equal(res.statusCode, 404);
    t.equal(res.json().message, 'Notification not found.');
  }
  const untouched = await db.selectFrom('notifications').select('read_at').where('id', 'in', [adminNote.id, foreign.id]).execute();
  t.ok(untouched.every((r) => r.read_at === null), 'nothing was marked');
  t.notOk((await tech.request('GET', '/api/notifications?limit=100')).json().items.some((i: { id: string }) => i.id === foreign.id));
  t.same((await techB.request('GET', '/api/notifications')).json().items.map((i: { id: string }) => i.id), [foreign.id]);
});

t.test('signed-out requests answer 401 and mutations need the CSRF token', async (t) => {
  const n = await raise(techA, 'CSRF target');
  for (const [method, url] of [
    ['GET', '/api/notifications'],
    ['POST', `/api/notifications/${n.id}/read`],
    ['POST', '/api/notifications/read-all'],
  ] as const) {
    t.equal((await app.inject({ method, url })).statusCode, 401, `${method} ${url}`);
  }
  const noCsrf = await app.inject({ method: 'POST', url: `/api/notifications/${n.id}/read`, headers: { cookie: tech.cookie } });
  t.equal(noCsrf.statusCode, 403);
});

t.test('bad ids and queries answer 400 naming the field', async (t) => {
  const cases: [string, string, string][] = [
    ['POST', '/api/notifications/nope/read', 'params.id'],
    ['GET', '/api/notifications?limit=0', 'querystring.limit'],
    ['GET', '/api/notifications?limit=101', 'querystring.limit'],
    ['GET', '/api/notifications?unread=yes', 'querystring.unread'],
  ];
  for (const [method, url, field] of cases) {
    const res = await tech.request(method, url);
    t.equal(res.statusCode, 400, url);
    t.same(res.json().fields.map((f: { field: string }) => f.field), [field]);
  }
});
