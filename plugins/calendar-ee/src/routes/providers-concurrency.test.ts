// Races on calendar connections: ten creates of one connection, ten removals of one. The outcome
// is that of the same requests in a row: one success, readable 409s or 404s for the rest, and the
// side effects (audit row, channel stop, grant revocation, mappings and tokens gone) exactly once.
// Meaningful on PostgreSQL (TEST_DATABASE_URL); the embedded database runs them one at a time.
import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const N = 10;
const emulators = await startEmulators(t);
// Listening, so the providers accept the push channels that removal has to stop.
const ctx = await startCalendarApp(t, emulators, { listen: true });
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-race-a');

const times = (send: () => Promise<LightMyRequestResponse>) => Promise.all(Array.from({ length: N }, send));
const tally = (responses: LightMyRequestResponse[]) =>
  responses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.statusCode]: (acc[r.statusCode] ?? 0) + 1 }), {});
const auditRows = (action: string, targetId: string) =>
  db.selectFrom('audit_log').select('id').where('action', '=', action).where('target_id', '=', targetId).execute();

t.test('ten creates of one connection: one 201, nine 409s pointing at the one that won', async (t) => {
  const responses = await times(() => a.tech.request('POST', '/api/calendar/providers', { providerType: 'google' }));
  t.same(tally(responses), { 201: 1, 409: N - 1 });
  const winner = responses.find((r) => r.statusCode === 201)!.json().id;
  for (const res of responses.filter((r) => r.statusCode === 409)) {
    t.match(res.json(), { message: 'You already have a Google Calendar connection. Reconnect or remove it instead.', providerId: winner });
  }
  const rows = await db.selectFrom('calendar_providers').select('id').where('user_id', '=', a.technician.id).where('provider_type', '=', 'google').execute();
  t.same(rows, [{ id: winner }]);
  t.equal((await auditRows('calendar_provider.created', winner)).length, 1);
});

/** The emulator requests that stop a channel and revoke a grant, per provider (Microsoft has no revocation). */
const COUNTED = {
  google: { stop: () => emulators.google.controls.count('POST /calendar/v3/channels/stop'), revoke: () => emulators.google.controls.count('POST /revoke') },
  microsoft: { stop: () => emulators.microsoft.controls.count('DELETE /v1.0/subscriptions/:id'), revoke: () => 0 },
};

for (const providerType of ['google', 'microsoft'] as const) {
  t.test(`ten removals of one connected ${providerType} calendar: one 200, nine 404s, and every side effect once`, async (t) => {
    const { providerId } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, providerType);
    await eventually(async () => (await db.selectFrom('calendar_providers').select('channel_id').where('id', '=', providerId).executeTakeFirst())?.channel_id);
    const stops = COUNTED[providerType].stop();
    const revokes = COUNTED[providerType].revoke();

    const responses = await times(() => a.tech.request('DELETE', `/api/calendar/providers/${providerId}`));
    t.same(tally(responses), { 200: 1, 404: N - 1 });
    t.same([...new Set(responses.filter((r) => r.statusCode === 404).map((r) => r.json().message))], ['Calendar connection not found.']);
    t.equal((await auditRows('calendar_provider.deleted', providerId)).length, 1, 'one audit row');
    t.equal(COUNTED[providerType].stop() - stops, 1, 'the channel is stopped once');
    t.equal(COUNTED[providerType].revoke() - revokes, providerType === 'google' ? 1 : 0, 'the grant is revoked once where the provider can');
    t.same(await db.selectFrom('calendar_event_mappings').select('id').where('provider_id', '=', providerId).execute(), []);
    t.equal(await app.secrets.has(db, a.tenantId, `calendar_provider:${providerId}:tokens`), false, 'tokens forgotten');
    t.equal(await app.secrets.has(db, a.tenantId, `calendar_provider:${providerId}:webhook`), false, 'webhook secret forgotten');
  });
}
