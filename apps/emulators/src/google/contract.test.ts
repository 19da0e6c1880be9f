// The emulator's responses have the field names and JSON types of Google's documentation examples
// (apps/emulators/test/fixtures/google/*.json, each with its `_source`).
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { startGoogleEmulator } from './server.js';
import { connectAccount, submitConsent } from './testing.js';

interface Fixture {
  _source: string;
  _required?: string[];
  _maps?: string[];
  _allowedExtra?: string[];
  _typeExceptions?: Record<string, string>;
  example: unknown;
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../test/fixtures/google/${name}.json`, import.meta.url), 'utf8'));
const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Every key of `actual` is documented with the same JSON type; nested objects and array items recurse. */
function shapeProblems(actual: unknown, expected: unknown, f: Fixture, path = ''): string[] {
  const want = f._typeExceptions?.[path] ?? kind(expected);
  if (kind(actual) !== want) return [`${path || '(root)'}: ${kind(actual)} where the docs have ${want}`];
  if (Array.isArray(actual)) {
    const sample = (expected as unknown[])[0];
    return sample === undefined ? [] : actual.flatMap((item) => shapeProblems(item, sample, f, path));
  }
  if (kind(actual) !== 'object') return [];
  if (f._maps?.includes(path)) return Object.entries(actual as object).filter(([, v]) => typeof v !== 'string').map(([k]) => `${path}.${k}: not a string`);
  return Object.entries(actual as Record<string, unknown>).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    if (!(key in (expected as object))) return f._allowedExtra?.includes(at) ? [] : [`${at}: not in the documentation example`];
    return shapeProblems(value, (expected as Record<string, unknown>)[key], f, at);
  });
}

/** Required dot paths exist (a path through an array must exist in every item). */
function missing(actual: unknown, f: Fixture): string[] {
  const has = (value: unknown, parts: string[]): boolean => {
    if (parts.length === 0) return value !== undefined;
    if (Array.isArray(value)) return value.every((item) => has(item, parts));
    return typeof value === 'object' && value !== null && has((value as Record<string, unknown>)[parts[0]], parts.slice(1));
  };
  return (f._required ?? []).filter((p) => !has(actual, p.split('.')));
}

function conforms(t: Test, name: string, actual: unknown, f: Fixture, required = true) {
  t.same(shapeProblems(actual, f.example, f), [], `${name}: keys and types as in ${f._source}`);
  if (required) t.same(missing(actual, f), [], `${name}: carries the documented required fields`);
}

const client = { clientId: 'contract.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
// Loopback mode: the watch contract below names an http address.
const emulator = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] }, allowHttpWebhooks: true });
t.teardown(emulator.close);
const { calendar: api } = await connectAccount(emulator, { email: 'contract@example.com', client });
const timed = { start: { dateTime: '2026-08-01T09:00:00+02:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-08-01T10:00:00+02:00', timeZone: 'Europe/Berlin' } };

t.test('event resources (insert, get, all-day, recurring) match the Events resource representation', async (t) => {
  const event = fixture('event');
  const { data: inserted } = await api.events.insert({
    calendarId: 'primary',
    requestBody: { id: 'contract001', summary: 'S', description: 'D', location: 'L', ...timed, attendees: [{ email: 'a@example.com', optional: true }], extendedProperties: { private: { k: 'v' }, shared: { s: 't' } }, transparency: 'opaque', visibility: 'private' },
  });
  conforms(t, 'inserted event', inserted, event);
  conforms(t, 'fetched event', (await api.events.get({ calendarId: 'primary', eventId: 'contract001' })).data, event);
  const allDay = await api.events.insert({ calendarId: 'primary', requestBody: { summary: 'Day', start: { date: '2026-08-02' }, end: { date: '2026-08-03' } } });
  conforms(t, 'all-day event', allDay.data, event);
  const recurring = await api.events.insert({ calendarId: 'primary', requestBody: { summary: 'R', recurrence: ['RRULE:FREQ=DAILY;COUNT=3'], ...timed } });
  conforms(t, 'recurring event', recurring.data, event);
});

t.test('events.list pages (nextPageToken, then nextSyncToken) and tombstones match the list response', async (t) => {
  const list = fixture('events-list');
  const event = fixture('event');
  const combined = { ...list, example: { ...(list.example as object), items: [event.example] } };
  await api.events.delete({ calendarId: 'primary', eventId: 'contract001' });
  const first = await api.events.list({ calendarId: 'primary', maxResults: 1, showDeleted: true });
  t.ok(first.data.nextPageToken);
  conforms(t, 'first page', first.data, combined);
  const rest = await api.events.list({ calendarId: 'primary', maxResults: 10, showDeleted: true, pageToken: first.data.nextPageToken! });
  t.ok(rest.data.nextSyncToken);
  conforms(t, 'last page', rest.data, combined);
  const tombstone = [...first.data.items!, ...rest.data.items!].find((e) => e.status === 'cancelled');
  t.ok(tombstone, 'a deleted event is listed');
  conforms(t, 'tombstone', tombstone, event, false);
});

t.test('calendarList.list and calendars.get match their representations', async (t) => {
  conforms(t, 'calendarList', (await api.calendarList.list()).data, fixture('calendar-list'));
  conforms(t, 'calendar', (await api.calendars.get({ calendarId: 'primary' })).data, fixture('calendar'));
});

t.test('a watch channel matches the push guide example (expiration as the int64 string)', async (t) => {
  const { data } = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'contract-channel', type: 'web_hook', address: 'http://127.0.0.1:9/hook', token: 'x=1' } });
  conforms(t, 'channel', data, fixture('channel'));
  await api.channels.stop({ requestBody: { id: 'contract-channel', resourceId: data.resourceId } });
  await emulator.idle();
});

t.test('error bodies (412, 404, 409, 410, 401, injected 429 and 500) match the errors guide example', async (t) => {
  const error = fixture('error');
  const { data: created } = await api.events.insert({ calendarId: 'primary', requestBody: { id: 'contract002', ...timed } });
  await api.events.patch({ calendarId: 'primary', eventId: 'contract002', requestBody: { summary: 'x' } });
  const bodies: Array<[string, unknown]> = [];
  const capture = async (name: string, call: Promise<unknown>) => bodies.push([name, ((await call.catch((e) => e)) as { response: { data: unknown } }).response.data]);
  await capture('412', api.events.patch({ calendarId: 'primary', eventId: 'contract002', requestBody: { summary: 'y' } }, { headers: { 'If-Match': created.etag! } }));
  await capture('404', api.events.get({ calendarId: 'primary', eventId: 'nothing01' }));
  await capture('409', api.events.insert({ calendarId: 'primary', requestBody: { id: 'contract002', ...timed } }));
  await api.events.delete({ calendarId: 'primary', eventId: 'contract002' });
  await capture('410 deleted', api.events.delete({ calendarId: 'primary', eventId: 'contract002' }));
  emulator.expireSyncTokens();
  const stale = (await api.events.list({ calendarId: 'primary' })).data.nextSyncToken!;
  emulator.expireSyncTokens();
  await capture('410 fullSyncRequired', api.events.list({ calendarId: 'primary', syncToken: stale }));
  emulator.controls.inject({ method: 'POST', path: '/events$', kind: 'status', status: 429 });
  await capture('429', api.events.insert({ calendarId: 'primary', requestBody: timed }));
  emulator.controls.inject({ method: 'POST', path: '/events$', kind: 'status', status: 500 });
  await capture('500', api.events.insert({ calendarId: 'primary', requestBody: timed }));
  bodies.push(['401', await (await fetch(`${emulator.url}/calendar/v3/users/me/calendarList`, { headers: { authorization: 'Bearer bad' } })).json()]);
  for (const [name, body] of bodies) conforms(t, `error ${name}`, body, error);
});

t.test('token endpoint answers match the web-server flow example and the OAuth error shape', async (t) => {
  const auth = new OAuth2Client({ ...client, endpoints: emulator.endpoints });
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const url = auth.generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope: ['openid', 'email', 'https://www.googleapis.com/auth/calendar'], code_challenge: codeChallenge!, code_challenge_method: CodeChallengeMethod.S256 });
  const code = (await submitConsent(url, { email: 'contract@example.com' })).searchParams.get('code')!;
  // Raw HTTP: the library rewrites expires_in into expiry_date, and we compare the wire format.
  const form = new URLSearchParams({ code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: client.redirectUri, grant_type: 'authorization_code', code_verifier: codeVerifier });
  const response = await fetch(emulator.endpoints.oauth2TokenUrl, { method: 'POST', body: form });
  t.equal(response.status, 200);
  const tokens = await response.json();
  conforms(t, 'token response', tokens, fixture('token-response'));
  emulator.revokeRefreshTokens({ email: 'contract@example.com' });
  const refused = await fetch(emulator.endpoints.oauth2TokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ refresh_token: tokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'refresh_token' }),
  });
  t.equal(refused.status, 400);
  const body = await refused.json();
  conforms(t, 'invalid_grant', body, fixture('oauth-error'));
  t.same(body, fixture('oauth-error').example);
});
