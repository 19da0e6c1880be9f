// Working hours (issue 22): the default without a stored row, who may read and change them, what
// is refused, the audit, and that each tenant has its own.
import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'sched-settings-a');
const tenantB = await seedTenant(db, 'sched-settings-b');
const admin = await signIn(app, tenantA.admin.email);
const tech = await signIn(app, tenantA.technician.email);
const viewer = await signIn(app, tenantA.viewer.email);
const url = '/api/schedule/settings';
const defaults = { workingHours: { start: '08:00', end: '17:00', days: [1, 2, 3, 4, 5] } };

t.test('without a stored setting everyone on the schedule reads the default; portal users do not', async (t) => {
  for (const session of [admin, tech, viewer]) {
    const res = await session.request('GET', url);
    t.equal(res.statusCode, 200);
    t.same(res.json(), defaults);
  }
  const portal = await signIn(app, tenantA.clientUser.email);
  t.equal((await portal.request('GET', url)).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url })).statusCode, 401);
});

t.test('an admin changes them, audited; the others cannot', async (t) => {
  const body = { workingHours: { start: '07:30', end: '24:00', days: [6, 1, 2, 3, 4, 5, 1] } };
  const refusedDuplicate = await admin.request('PUT', url, body);
  t.equal(refusedDuplicate.statusCode, 400, 'a weekday named twice');
  const saved = await admin.request('PUT', url, { workingHours: { ...body.workingHours, days: [6, 1, 2, 3, 4, 5] } });
  t.equal(saved.statusCode, 200);
  const expected = { workingHours: { start: '07:30', end: '24:00', days: [1, 2, 3, 4, 5, 6] } };
  t.same(saved.json(), expected);
  t.same((await tech.request('GET', url)).json(), expected, 'the technician reads the change');
  t.same((await signIn(app, tenantB.technician.email).then((s) => s.request('GET', url))).json(), defaults, 'another tenant keeps the default');

  const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id', 'details']).where('tenant_id', '=', tenantA.tenantId).where('action', '=', 'schedule_settings.updated').execute();
  t.same(audit, [{ action: 'schedule_settings.updated', actor_user_id: tenantA.admin.id, details: { before: defaults.workingHours, after: expected.workingHours } }]);

  for (const session of [tech, viewer]) {
    const res = await session.request('PUT', url, defaults);
    t.equal(res.statusCode, 403);
  }
  t.same((await admin.request('GET', url)).json(), expected, 'the refused changes changed nothing');
});

t.test('bad working hours are a 400 naming the field', async (t) => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['end before start', { start: '17:00', end: '08:00', days: [1] }, 'workingHours.end', /after start/],
    ['end equal to start', { start: '09:00', end: '09:00', days: [1] }, 'workingHours.end', /after start/],
    ['not on a quarter hour', { start: '08:10', end: '17:00', days: [1] }, 'workingHours.start', /15-minute steps/],
    ['not a time', { start: '8am', end: '17:00', days: [1] }, 'workingHours.start', /time of day/],
    ['a start at midnight’s end', { start: '24:00', end: '24:00', days: [1] }, 'workingHours.start', /at most 23:45/],
    ['past midnight', { start: '08:00', end: '24:15', days: [1] }, 'workingHours.end', /at most 24:00/],
    ['no days', { start: '08:00', end: '17:00', days: [] }, 'workingHours.days', /at least one working day/],
    ['a day that is not a weekday', { start: '08:00', end: '17:00', days: [0] }, 'workingHours.days.0', /ISO weekdays/],
  ];
  for (const [name, workingHours, field, message] of cases) {
    const res = await admin.request('PUT', url, { workingHours });
    t.equal(res.statusCode, 400, name);
    t.match(res.json().fields, [{ field, message }], name);
  }
  t.equal((await admin.request('PUT', url, {})).statusCode, 400, 'no working hours at all');
});
