// What real Outlook calendars do that a plain Graph client does not: transactionIds Outlook picks,
// every Windows zone id, legacy custom zones, partial delta items, meeting mail to attendees and
// fractional Retry-After (issue 16).
import t from 'tap';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { earlyRetryKey } from './graph-throttle.js';
import { signIn, startGraph } from './graph-calendar-testing.js';

const ms = await startGraph(t);
const control = (method: string, path: string, body?: unknown) =>
  fetch(`${ms.url}/_emulator/graph${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
const at = (day: string, subject: string, timeZone = 'UTC') => ({
  subject,
  start: { dateTime: `2026-12-${day}T10:00:00`, timeZone },
  end: { dateTime: `2026-12-${day}T11:00:00`, timeZone },
});

t.test("events made in Outlook carry a UUID transactionId of Outlook's; a legacy custom zone is reported by name", async (t) => {
  const user = signIn(ms);
  const { status, body } = await control('POST', '/events', { tenantId: user.tenantId, userId: user.userId, events: [at('09', 'Outlook'), { ...at('10', 'Custom'), originalStartTimeZone: 'tzone://Microsoft/Custom' }] });
  t.equal(status, 200);
  t.match(body.value[0].transactionId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.match(body.value[1], { originalStartTimeZone: 'tzone://Microsoft/Custom', originalEndTimeZone: 'tzone://Microsoft/Custom' });
  const moved = await user.call('PATCH', `/me/events/${body.value[1].id}`, { start: { dateTime: '2026-12-10T09:00:00', timeZone: 'UTC' } });
  t.equal(moved.body.originalStartTimeZone, 'UTC', 'new times bring their own zone');
});

t.test('every Windows zone id of CLDR is accepted, and Prefer: outlook.timezone renders in it', async (t) => {
  const user = signIn(ms);
  for (const windowsName of new Set(WINDOWS_TO_IANA_MAP.map((z) => z.windowsName))) {
    const created = await user.call('POST', '/me/events', at('15', windowsName, windowsName));
    if (created.status !== 201) t.fail(`${windowsName}: ${created.status}`);
  }
  const nepal = await user.call('POST', '/me/events', at('16', 'Nepal'));
  const read = await user.call('GET', `/me/events/${nepal.body.id}`, undefined, { prefer: 'outlook.timezone="Nepal Standard Time"' });
  t.strictSame(read.body.start, { dateTime: '2026-12-16T15:45:00.0000000', timeZone: 'Nepal Standard Time' }, 'UTC+05:45');
  t.equal(read.headers.get('preference-applied'), 'outlook.timezone="Nepal Standard Time"');
});

t.test('with partialDeltaUpdates, delta sends an update as its id, etag and the changed properties only', async (t) => {
  const user = signIn(ms);
  const set = await control('POST', '/mailboxes', { tenantId: user.tenantId, userId: user.userId, partialDeltaUpdates: true });
  t.equal(set.body.partialDeltaUpdates, true);
  t.equal((await control('POST', '/mailboxes', { tenantId: user.tenantId, userId: user.userId, partialDeltaUpdates: 'yes' })).status, 400);
  const created = await user.call('POST', '/me/events', at('09', 'Before'));
  const first = await user.call('GET', '/me/calendarView/delta?startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-30T00:00:00Z');
  await user.call('PATCH', `/me/events/${created.body.id}`, { subject: 'After' });
  const next = await user.call('GET', first.body['@odata.deltaLink']);
  const [item] = next.body.value;
  t.match(item, { id: created.body.id, subject: 'After', '@odata.etag': /^W\/"/ });
  t.notOk('start' in item || 'isAllDay' in item || 'type' in item, 'unchanged properties left out');
});

t.test('meeting mail: added attendees are invited, removed ones and a deleted meeting are cancelled', async (t) => {
  const user = signIn(ms);
  const attendee = (address: string) => ({ type: 'required', emailAddress: { address } });
  const created = await user.call('POST', '/me/events', { ...at('09', 'Meeting'), attendees: [attendee('Ann@example.com')] });
  await user.call('PATCH', `/me/events/${created.body.id}`, { attendees: [attendee('bob@example.com')] });
  await user.call('PATCH', `/me/events/${created.body.id}`, { subject: 'Meeting, renamed' });
  await user.call('DELETE', `/me/events/${created.body.id}`);
  const mail = await control('GET', `/mail?tenantId=${user.tenantId}&userId=${user.userId}`);
  t.strictSame(mail.body.value.map((m: { kind: string; to: string }) => [m.kind, m.to]), [
    ['invitation', 'ann@example.com'],
    ['invitation', 'bob@example.com'],
    ['cancellation', 'ann@example.com'],
    ['cancellation', 'bob@example.com'],
  ]);
});

t.test('the mailbox limit can answer a fractional Retry-After, and counts a retry that comes sooner', async (t) => {
  const user = signIn(ms);
  ms.calendar.configure({ limit: 0, retryAfterSeconds: 0.3 });
  t.teardown(() => ms.calendar.configure({ limit: 4, retryAfterSeconds: 1 }));
  const refused = await user.call('GET', '/me/events');
  t.equal(refused.status, 429);
  t.equal(refused.headers.get('retry-after'), '0.3');
  await user.call('GET', '/me/events');
  t.equal(ms.controls.count(earlyRetryKey(user.userId)), 1, 'an immediate retry is early');
  await new Promise((resolve) => setTimeout(resolve, 350));
  await user.call('GET', '/me/events');
  t.equal(ms.controls.count(earlyRetryKey(user.userId)), 1, 'one after the wait is not');
});
