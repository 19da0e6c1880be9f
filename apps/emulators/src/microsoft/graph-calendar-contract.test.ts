// Contract: the emulator's Graph calendar responses carry the property names and JSON types of the
// official documentation examples kept in test/fixtures/graph-calendar (each names its source).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { signIn, startGraph, startReceiver } from './graph-calendar-testing.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/graph-calendar/${name}.json`, import.meta.url), 'utf8'));
const kind = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/**
 * Every property of the example must exist in the emulator's response with the same JSON type;
 * arrays compare element by element. A null in the example allows any type (nullable property).
 * Keys starting with `_` (source notes) and those in the fixture's `_ignore` list are skipped.
 */
function shapeProblems(expected: unknown, actual: unknown, path: string, ignore: Set<string>): string[] {
  if (expected === null) return [];
  if (kind(expected) !== kind(actual)) return [`${path}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    const list = actual as unknown[];
    if (expected.length > 0 && list.length === 0) return [`${path}: expected items, got an empty array`];
    return expected.slice(0, list.length).flatMap((item, i) => shapeProblems(item, list[i], `${path}[${i}]`, ignore));
  }
  if (kind(expected) !== 'object') return [];
  const object = actual as Record<string, unknown>;
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) => {
    if (key.startsWith('_') || ignore.has(key)) return [];
    if (!(key in object)) return [`${path}.${key}: missing`];
    return shapeProblems(value, object[key], `${path}.${key}`, ignore);
  });
}

function matchesFixture(tt: { ok: (v: unknown, m: string) => unknown; same: (a: unknown, b: unknown, m: string) => unknown }, name: string, actual: unknown) {
  const example = fixture(name);
  tt.ok(typeof example._source === 'string' && example._source.includes('learn.microsoft.com'), `${name} records its source`);
  tt.same(shapeProblems(example, actual, name, new Set(example._ignore ?? [])), [], `${name} has the documented shape`);
}

const ms = await startGraph(t);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const at = (day: string, subject: string, extra: Record<string, unknown> = {}) => ({
  subject,
  start: { dateTime: `2016-12-${day}T20:30:00`, timeZone: 'UTC' },
  end: { dateTime: `2016-12-${day}T22:00:00`, timeZone: 'UTC' },
  ...extra,
});

t.test('event', async (t) => {
  const user = signIn(ms);
  const created = await user.call('POST', '/me/events', {
    subject: "Let's go for lunch",
    body: { contentType: 'HTML', content: 'Does noon time work for you?' },
    start: { dateTime: '2017-09-04T12:00:00', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2017-09-04T14:00:00', timeZone: 'Pacific Standard Time' },
    recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday'] }, range: { type: 'endDate', startDate: '2017-09-04', endDate: '2017-12-31' } },
    location: { displayName: "Harry's Bar" },
    attendees: [{ emailAddress: { address: 'AdeleV@contoso.onmicrosoft.com', name: 'Adele Vance' }, type: 'required' }],
  });
  matchesFixture(t, 'event', created.body);
});

t.test('delta pages', async (t) => {
  const user = signIn(ms);
  const gone = (await user.call('POST', '/me/events', at('08', 'Cancelled'))).body;
  await user.call('POST', '/me/events', at('09', 'Plan shopping list'));
  await user.call('POST', '/me/events', at('10', 'Pick up car'));
  const window = '/me/calendarView/delta?startdatetime=2016-12-01T00:00:00Z&enddatetime=2016-12-30T00:00:00Z';
  const first = await user.call('GET', window, undefined, { prefer: 'odata.maxpagesize=2' });
  matchesFixture(t, 'delta-page', first.body);

  let page = first.body;
  while (page['@odata.nextLink']) page = (await user.call('GET', page['@odata.nextLink'], undefined, { prefer: 'odata.maxpagesize=2' })).body;
  await user.call('DELETE', `/me/events/${gone.id}`);
  await user.call('POST', '/me/events', at('25', 'Attend service', {
    location: {
      displayName: 'Chapel of Saint Ignatius',
      address: { street: '900 Broadway', city: 'Seattle', state: 'WA', countryOrRegion: 'United States', postalCode: '' },
      coordinates: { latitude: 47.6105, longitude: -122.321 },
    },
  }));
  const next = await user.call('GET', page['@odata.deltaLink'], undefined, { prefer: 'odata.maxpagesize=2' });
  matchesFixture(t, 'delta-next-round', next.body);
});

t.test('subscription, change notification and lifecycle notification', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const sub = await user.call('POST', '/subscriptions', {
    changeType: 'created',
    notificationUrl: hook.url,
    lifecycleNotificationUrl: hook.url,
    resource: 'me/events',
    expirationDateTime: inMinutes(60),
    clientState: 'secretClientValue',
  });
  matchesFixture(t, 'subscription', sub.body);
  await user.call('POST', '/me/events', at('11', 'Get food'));
  const [change] = await hook.waitFor(1);
  matchesFixture(t, 'change-notification', change);
  await ms.calendar.sendLifecycle(sub.body.id, 'subscriptionRemoved');
  const [, lifecycle] = await hook.waitFor(2);
  matchesFixture(t, 'lifecycle-notification', lifecycle);
});

t.test('batch response and error', async (t) => {
  const reader = signIn(ms, ['Calendars.Read']);
  ms.calendar.seedEvent(reader.tenantId, reader.userId, at('09', 'one'));
  ms.calendar.seedEvent(reader.tenantId, reader.userId, at('10', 'two'));
  const batch = await reader.call('POST', '/$batch', {
    requests: [
      { id: '1', method: 'GET', url: '/me/events?$top=1' },
      { id: '2', method: 'POST', url: '/me/events', headers: { 'Content-Type': 'application/json' }, body: at('11', 'denied') },
    ],
  });
  matchesFixture(t, 'batch-response', batch.body);
  const missing = await reader.call('GET', '/me/events/AAMkmissing');
  matchesFixture(t, 'error', missing.body);
});
