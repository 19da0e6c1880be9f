import t from 'tap';
import { signIn, startGraph } from './graph-calendar-testing.js';

const ms = await startGraph(t);

const lunch = {
  subject: "Let's go for lunch",
  body: { contentType: 'HTML', content: 'Does late morning work for you?' },
  start: { dateTime: '2026-04-15T12:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2026-04-15T14:00:00', timeZone: 'Pacific Standard Time' },
  location: { displayName: "Harry's Bar" },
  attendees: [{ emailAddress: { address: 'samanthab@contoso.onmicrosoft.com', name: 'Samantha Booth' }, type: 'required' }],
};

t.test('a mailbox is created on first use with one default calendar', async (t) => {
  const user = signIn(ms);
  const calendars = await user.call('GET', '/me/calendars');
  t.equal(calendars.status, 200);
  t.equal(calendars.body.value.length, 1);
  t.match(calendars.body.value[0], { name: 'Calendar', isDefaultCalendar: true, canEdit: true });
  const calendar = await user.call('GET', '/me/calendar');
  t.equal(calendar.body.id, calendars.body.value[0].id);
});

t.test('tokens are checked: missing/unknown 401, app-only on /me 400, missing scope 403', async (t) => {
  const none = await fetch(`${ms.url}/v1.0/me/events`);
  t.equal(none.status, 401);
  t.equal((await none.json()).error.code, 'InvalidAuthenticationToken');
  const bad = await fetch(`${ms.url}/v1.0/me/events`, { headers: { authorization: 'Bearer nope' } });
  t.equal(bad.status, 401);
  const { token } = ms.tokens.issue({ tenantId: 't', clientId: 'c', scopes: ['https://graph.microsoft.com/.default'] });
  const appOnly = await fetch(`${ms.url}/v1.0/me/events`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(appOnly.status, 400);
  const reader = signIn(ms, ['Calendars.Read']);
  t.equal((await reader.call('GET', '/me/events')).status, 200);
  const denied = await reader.call('POST', '/me/events', lunch);
  t.equal(denied.status, 403);
  t.equal(denied.body.error.code, 'ErrorAccessDenied');
});

t.test('create, read, update and delete an event', async (t) => {
  const user = signIn(ms);
  const created = await user.call('POST', '/me/events', lunch);
  t.equal(created.status, 201);
  const event = created.body;
  t.match(event, {
    subject: "Let's go for lunch",
    body: { contentType: 'html', content: 'Does late morning work for you?' },
    start: { dateTime: '2026-04-15T12:00:00.0000000', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2026-04-15T14:00:00.0000000', timeZone: 'Pacific Standard Time' },
    isAllDay: false,
    type: 'singleInstance',
    seriesMasterId: null,
    recurrence: null,
    showAs: 'busy',
    location: { displayName: "Harry's Bar", locationType: 'default', uniqueId: "Harry's Bar", uniqueIdType: 'private' },
    attendees: [{ type: 'required', status: { response: 'none' }, emailAddress: { address: 'samanthab@contoso.onmicrosoft.com' } }],
  });
  t.match(event.id, /^AAMk/);
  t.equal(event['@odata.etag'], `W/"${event.changeKey}"`);
  t.match(event.createdDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  t.notOk('transactionId' in event, 'transactionId only appears when the app set it');

  // Reads default to UTC: 12:00 PDT is 19:00 UTC.
  const read = await user.call('GET', `/me/events/${event.id}`);
  t.same(read.body.start, { dateTime: '2026-04-15T19:00:00.0000000', timeZone: 'UTC' });
  const berlin = await user.call('GET', `/me/events/${event.id}`, undefined, { prefer: 'outlook.timezone="W. Europe Standard Time"' });
  t.same(berlin.body.end, { dateTime: '2026-04-15T23:00:00.0000000', timeZone: 'W. Europe Standard Time' });

  const patched = await user.call('PATCH', `/me/events/${event.id}`, { subject: 'Brunch' }, { 'if-match': event['@odata.etag'] });
  t.equal(patched.status, 200);
  t.equal(patched.body.subject, 'Brunch');
  t.not(patched.body.changeKey, event.changeKey, 'every write changes the change key');
  t.ok(patched.body.lastModifiedDateTime > event.lastModifiedDateTime);

  t.equal((await user.call('DELETE', `/me/events/${event.id}`)).status, 204);
  const gone = await user.call('GET', `/me/events/${event.id}`);
  t.equal(gone.status, 404);
  t.equal(gone.body.error.code, 'ErrorItemNotFound');
  t.equal((await user.call('DELETE', `/me/events/${event.id}`)).status, 404);
  const logged = ((await (await fetch(`${ms.url}/_emulator/graph/created-events`)).json()).value as { event: { id: string } }[]).filter((c) => c.event.id === event.id);
  t.match(logged, [{ tenantId: user.tenantId, userId: user.userId, event: { subject: "Let's go for lunch" } }], 'the log of created events keeps the deleted event, as it was created');
});

t.test('a stale If-Match (etag or change key) fails with 412 ErrorIrresolvableConflict', async (t) => {
  const user = signIn(ms);
  const event = (await user.call('POST', '/me/events', lunch)).body;
  await user.call('PATCH', `/me/events/${event.id}`, { subject: 'moved' });
  const stale = await user.call('PATCH', `/me/events/${event.id}`, { subject: 'lost update' }, { 'if-match': event['@odata.etag'] });
  t.equal(stale.status, 412);
  t.equal(stale.body.error.code, 'ErrorIrresolvableConflict');
  const staleKey = await user.call('DELETE', `/me/events/${event.id}`, undefined, { 'if-match': event.changeKey });
  t.equal(staleKey.status, 412);
  t.equal((await user.call('GET', `/me/events/${event.id}`)).body.subject, 'moved');
});

t.test('transactionId makes a retried create return the first event', async (t) => {
  const user = signIn(ms);
  const body = { ...lunch, transactionId: 'c81be0bf-e771-f670-a14d-9d3384ee4b44' };
  const first = await user.call('POST', '/me/events', body);
  const retry = await user.call('POST', '/me/events', { ...body, subject: 'retried' });
  t.equal(first.status, 201);
  t.equal(retry.body.id, first.body.id);
  t.equal(retry.body.subject, "Let's go for lunch");
  t.equal(first.body.transactionId, body.transactionId);
  t.equal((await user.call('GET', '/me/events')).body.value.length, 1);
  const change = await user.call('PATCH', `/me/events/${first.body.id}`, { transactionId: 'other' });
  t.equal(change.status, 400, 'transactionId cannot change after creation');
  const other = signIn(ms, ['Calendars.ReadWrite'], { tenantId: user.tenantId });
  t.not((await other.call('POST', '/me/events', body)).body.id, first.body.id, 'scoped to one mailbox');
});

t.test('all-day events round-trip and must span whole days from midnight', async (t) => {
  const user = signIn(ms);
  const allDay = {
    subject: 'Offsite',
    isAllDay: true,
    start: { dateTime: '2026-05-04', timeZone: 'UTC' },
    end: { dateTime: '2026-05-06T00:00:00', timeZone: 'UTC' },
  };
  const created = await user.call('POST', '/me/events', allDay);
  t.equal(created.status, 201);
  t.same(created.body.start, { dateTime: '2026-05-04T00:00:00.0000000', timeZone: 'UTC' });
  t.same(created.body.end, { dateTime: '2026-05-06T00:00:00.0000000', timeZone: 'UTC' });
  t.equal(created.body.isAllDay, true);
  const tokyo = await user.call('GET', `/me/events/${created.body.id}`, undefined, { prefer: 'outlook.timezone="Tokyo Standard Time"' });
  t.same(tokyo.body.start, { dateTime: '2026-05-04T00:00:00.0000000', timeZone: 'Tokyo Standard Time' }, 'all-day events float');

  const notMidnight = await user.call('POST', '/me/events', { ...allDay, start: { dateTime: '2026-05-04T09:00:00', timeZone: 'UTC' } });
  t.equal(notMidnight.status, 400);
  t.match(notMidnight.body.error.message, /midnight/);
  const short = await user.call('POST', '/me/events', { ...allDay, end: allDay.start });
  t.equal(short.status, 400);
  t.match(short.body.error.message, /at least 24 hours/);
  const zone = await user.call('POST', '/me/events', { ...lunch, start: { dateTime: '2026-05-04T09:00:00', timeZone: 'Mars/Olympus' } });
  t.equal(zone.status, 400);
  t.equal(zone.body.error.code, 'TimeZoneNotSupportedException');
});

t.test('a recurring series round-trips with the normalised recurrence Graph echoes', async (t) => {
  const user = signIn(ms);
  const created = await user.call('POST', '/me/calendars/' + (await user.call('GET', '/me/calendar')).body.id + '/events', {
    ...lunch,
    start: { dateTime: '2026-09-07T12:00:00', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2026-09-07T14:00:00', timeZone: 'Pacific Standard Time' },
    recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday'] }, range: { type: 'endDate', startDate: '2026-09-07', endDate: '2026-12-31' } },
  });
  t.equal(created.status, 201);
  t.equal(created.body.type, 'seriesMaster');
  t.same(created.body.recurrence, {
    pattern: { type: 'weekly', interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday', index: 'first' },
    range: { type: 'endDate', startDate: '2026-09-07', endDate: '2026-12-31', recurrenceTimeZone: 'Pacific Standard Time', numberOfOccurrences: 0 },
  });
  const numbered = await user.call('POST', '/me/events', {
    ...lunch,
    recurrence: { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }, range: { type: 'numbered', startDate: '2026-04-15', numberOfOccurrences: 3 } },
  });
  t.same(numbered.body.recurrence.range, { type: 'numbered', startDate: '2026-04-15', endDate: '0001-01-01', recurrenceTimeZone: 'Pacific Standard Time', numberOfOccurrences: 3 });

  const view = await user.call('GET', '/me/calendarView?startDateTime=2026-09-01T00:00:00Z&endDateTime=2026-10-01T00:00:00Z&$top=50');
  const mondays = view.body.value.filter((e: any) => e.seriesMasterId === created.body.id);
  t.same(mondays.map((e: any) => e.start.dateTime), ['2026-09-07T19:00:00.0000000', '2026-09-14T19:00:00.0000000', '2026-09-21T19:00:00.0000000', '2026-09-28T19:00:00.0000000']);
  t.equal(mondays[0].type, 'occurrence');
  const occurrence = await user.call('GET', `/me/events/${mondays[1].id}`);
  t.equal(occurrence.body.seriesMasterId, created.body.id);

  const bad = await user.call('POST', '/me/events', { ...lunch, recurrence: { pattern: { type: 'weekly' }, range: { type: 'noEnd', startDate: '2026-04-15' } } });
  t.equal(bad.status, 400);
});

t.test('extended properties are stored and come back through $expand', async (t) => {
  const user = signIn(ms);
  const id = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name switchboardEntryId';
  const event = (await user.call('POST', '/me/events', { ...lunch, singleValueExtendedProperties: [{ id, value: 'entry-42' }] })).body;
  t.notOk('singleValueExtendedProperties' in event);
  const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${id}')`);
  const read = await user.call('GET', `/me/events/${event.id}?$expand=${expand}`);
  t.same(read.body.singleValueExtendedProperties, [{ id, value: 'entry-42' }]);
});
