// "This and following" reaches the technician's calendar: after a split through the API, Google and
// Outlook show the old series ending before the occurrence and the new one carrying on from it,
// with a later changed occurrence moved along. Workers run: the split's outbox events are the sync.
import t from 'tap';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators, type CalendarTenant } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { db } = ctx;

/** Mondays 09:00 in New York (14:00Z) from 7 December 2026. */
const [first, second, third, fourth, fifth] = ['2026-12-07', '2026-12-14', '2026-12-21', '2026-12-28', '2027-01-04'].map((day) => `${day}T14:00:00.000Z`);
const from = '2026-12-01T00:00:00Z';
const to = '2027-01-10T00:00:00Z';

type Shown = Array<[string, string]>;

/** The occurrences one series shows in the technician's calendar between `from` and `to`: [original start, title]. */
function calendarOf(provider: 'google' | 'microsoft', a: CalendarTenant): (eventId: string) => Promise<Shown> {
  if (provider === 'microsoft') {
    const { token } = emulators.microsoft.tokens.issue({ tenantId: a.microsoft.tenantId, clientId: 'outlook-web', userId: a.microsoft.userId, scopes: ['Calendars.ReadWrite'] });
    return async (eventId) => {
      const res = await fetch(`${emulators.microsoft.url}/v1.0/me/events/${encodeURIComponent(eventId)}/instances?startDateTime=${from}&endDateTime=${to}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`Graph instances: ${res.status}`);
      const { value } = (await res.json()) as { value: Array<{ originalStart: string; subject: string }> };
      return value.map((i) => [new Date(i.originalStart).toISOString(), i.subject]);
    };
  }
  const grant = emulators.google.context.oauth.grantFor('calendar-web', a.technician.email, ['https://www.googleapis.com/auth/calendar']);
  const { token } = emulators.google.context.oauth.issueAccessToken(grant);
  return async (eventId) => {
    const calendar = encodeURIComponent(a.technician.email);
    const res = await fetch(`${emulators.google.url}/calendar/v3/calendars/${calendar}/events/${encodeURIComponent(eventId)}/instances?timeMin=${from}&timeMax=${to}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`Google instances: ${res.status}`);
    const { items } = (await res.json()) as { items: Array<{ originalStartTime: { dateTime: string }; summary: string }> };
    return items.map((i) => [new Date(i.originalStartTime.dateTime).toISOString(), i.summary]);
  };
}

for (const provider of ['google', 'microsoft'] as const) {
  t.test(`${provider}: after "this and following", the calendar shows the series cut short and the new one`, async (t) => {
    const a = await setupTenant(ctx, emulators, `split-${provider}`);
    const { providerId } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, provider);
    const admin = a.admin.session;
    const shown = calendarOf(provider, a);
    /** The entry's event id once it is in the calendar. */
    const syncedEvent = (entryId: string) =>
      eventually(
        async () => {
          const mapping = await db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();
          return mapping?.status === 'synced' && mapping.external_id;
        },
        30_000,
        `entry ${entryId} in the ${provider} calendar`,
      );

    const created = await admin.request('POST', '/api/schedule-entries', {
      title: 'Rounds',
      start: first,
      end: '2026-12-07T15:00:00.000Z',
      timeZone: 'America/New_York',
      recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      assigneeIds: [a.technician.id],
    });
    t.equal(created.statusCode, 201, created.body);
    const series = created.json();
    const occurrence = (start: string) => `/api/schedule-entries/${series.id}/occurrences/${encodeURIComponent(start)}`;
    const override = (await admin.request('PUT', occurrence(fourth), { title: 'Year-end rounds' })).json();
    const seriesEvent = await syncedEvent(series.id);
    await syncedEvent(override.id);
    t.same(await eventually(async () => ((await shown(seriesEvent)).length === 5 ? shown(seriesEvent) : null)), [
      [first, 'Rounds'],
      [second, 'Rounds'],
      [third, 'Rounds'],
      [fourth, 'Year-end rounds'],
      [fifth, 'Rounds'],
    ]);

    const res = await admin.request('POST', `/api/schedule-entries/${series.id}/split`, { occurrenceStart: third, expectedVersion: 1, changes: { title: 'Rounds (new site)' } });
    t.equal(res.statusCode, 200, res.body);
    const { following } = res.json();
    const followingEvent = await syncedEvent(following.id);
    t.not(followingEvent, seriesEvent);

    const expectedOld: Shown = [
      [first, 'Rounds'],
      [second, 'Rounds'],
    ];
    const expectedNew: Shown = [
      [third, 'Rounds (new site)'],
      [fourth, 'Year-end rounds'],
      [fifth, 'Rounds (new site)'],
    ];
    const both = await eventually(
      async () => {
        const now = { old: await shown(seriesEvent), new: await shown(followingEvent) };
        return JSON.stringify(now) === JSON.stringify({ old: expectedOld, new: expectedNew }) && now;
      },
      30_000,
      `both series in the ${provider} calendar`,
    );
    t.same(both.old, expectedOld, 'the old series ends before the occurrence');
    t.same(both.new, expectedNew, 'the new series carries on, with the changed occurrence moved to it');

    // The two series and the moved override; the old override's event went with it.
    const mappings = () => db.selectFrom('calendar_event_mappings').select(['schedule_entry_id', 'status']).where('provider_id', '=', providerId).execute();
    const settled = await eventually(async () => {
      const all = await mappings();
      return all.every((m) => m.status === 'synced') && all;
    }, 30_000, 'every mapping synced');
    t.equal(settled.length, 3);
    t.notOk(settled.some((m) => m.schedule_entry_id === override.id));
  });
}
