// The convergence run shared by convergence.test.ts (Google) and convergence-microsoft.test.ts:
// random interleaved edits in the PSA and in the technician's calendar — single events, series and
// single occurrences of them, guests the technician invites in the calendar — with injected faults
// (429, 5xx, dropped connections and notifications, expired cursors and access tokens), a reconnect
// to the same account, and once the provider losing the calendar and the grant. After the faults
// stop and the sweep runs: every mapping that is not a conflict agrees on both sides, no event of
// ours exists twice, every series shows the occurrences the PSA has, the guests are still invited,
// and no guest was ever sent a cancellation.
import type { Test } from 'tap';
import { sql } from 'kysely';
import { cancelOccurrence, createScheduleEntry, deleteScheduleEntry, getScheduleEntry, overrideOccurrence, updateScheduleEntry } from '@switchboard/core';
import { loseGoogleCalendarState } from '@switchboard/emulators';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators, type CalendarTenant, type Emulators } from '@switchboard/testing/calendar';
import { MAPPING_PROPERTY_ID } from '../adapters/graph-mapping.js';
import { MAPPING_ID_PROPERTY } from '../adapters/google-mapping.js';
import { createAdapterFactory } from './adapter-factory.js';
import { SERIES_IN_CONFLICT } from './series-exceptions.js';

const STEPS = 60;
const WEEK_MS = 7 * 86_400_000;
const GUEST = 'guest@customer.example';

/** What the checks need of a calendar, and how the technician edits it (as another client would). */
interface CalendarSide {
  /** Our live single events and series masters: event id → our mapping id. */
  ours(): Map<string, string>;
  rename(eventId: string, title: string): Promise<void>;
  remove(eventId: string): Promise<void>;
  invite(eventId: string, email: string): Promise<void>;
  editOccurrence(seriesId: string, originalStart: string, title: string): Promise<void>;
  cancelOccurrence(seriesId: string, originalStart: string): Promise<void>;
  /** Of a series' original `starts`, those the calendar still shows. */
  occurrences(seriesId: string, starts: string[]): Promise<string[]>;
  cancellationsSent(): number;
  fault(kind: 'throttle' | 'serverError' | 'dropConnection'): void;
  clearFaults(): void;
  dropNotification(): void;
  expireCursors(): void;
  expireAccessTokens(): void;
  /** The provider loses every event and the grant (a restored mailbox, a revoked app). */
  loseState(): void;
  idle(): Promise<void>;
}

function googleSide(emulators: Emulators, tenant: CalendarTenant): CalendarSide {
  const google = emulators.google;
  const email = tenant.technician.email;
  type Stored = { id: string; status?: string; recurringEventId?: string; extendedProperties?: { private?: Record<string, string> }; attendees?: Array<{ email: string }> };
  const stored = () => google.events(email) as unknown as Stored[];
  // Instance ids: `{seriesId}_{YYYYMMDDTHHMMSSZ}` (https://developers.google.com/calendar/api/guides/recurringevents).
  const instanceId = (seriesId: string, originalStart: string) => `${seriesId}_${originalStart.replace(/[-:]/g, '').replace('.000', '')}`;
  const path = '^/calendar/v3/';
  // The technician's edits race the sync's (after a reconnect, the series may not be back yet): an
  // event that is not there is simply not edited.
  const ifPresent = async (edit: () => unknown) => {
    try {
      edit();
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  };
  return {
    ours: () => new Map(stored().filter((e) => e.status !== 'cancelled' && !e.recurringEventId && e.extendedProperties?.private?.[MAPPING_ID_PROPERTY]).map((e) => [e.id, e.extendedProperties!.private![MAPPING_ID_PROPERTY]])),
    rename: async (id, title) => void google.changeEvent(email, id, { summary: title }),
    remove: async (id) => void google.deleteEvent(email, id),
    invite: async (id, guest) => void google.changeEvent(email, id, { attendees: [...(stored().find((e) => e.id === id)?.attendees ?? []), { email: guest }] }),
    editOccurrence: async (seriesId, start, title) => ifPresent(() => google.changeEvent(email, instanceId(seriesId, start), { summary: title })),
    cancelOccurrence: async (seriesId, start) => ifPresent(() => google.deleteEvent(email, instanceId(seriesId, start))),
    // Of the series' occurrences, those the calendar has not cancelled (a cancelled exception).
    occurrences: async (seriesId, starts) => {
      const cancelled = new Set(stored().filter((e) => e.recurringEventId === seriesId && e.status === 'cancelled').map((e) => e.id));
      return starts.filter((start) => !cancelled.has(instanceId(seriesId, start)));
    },
    cancellationsSent: () => google.attendeeMail().filter((m) => m.kind === 'cancellation').length,
    fault: (kind) =>
      google.controls.inject(
        kind === 'throttle' ? { path, kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 } : kind === 'serverError' ? { path, kind: 'status', status: 503, times: 1 } : { path, kind: 'timeout', delayMs: 100, times: 1 },
      ),
    clearFaults: () => google.controls.clearFaults(),
    dropNotification: () => google.controls.dropNotifications(1),
    expireCursors: () => google.expireSyncTokens(),
    expireAccessTokens: () => void google.expireAccessTokens({ email }),
    loseState: () => {
      loseGoogleCalendarState(google.context, email, { revokeGrants: true });
      google.expireAccessTokens({ email });
    },
    idle: () => google.idle(),
  };
}

function microsoftSide(emulators: Emulators, tenant: CalendarTenant): CalendarSide {
  const ms = emulators.microsoft;
  const { tenantId, userId } = tenant.microsoft;
  const mailbox = () => ms.calendar.mailbox(tenantId, userId);
  // The technician's Outlook: another client of the same mailbox.
  const outlookToken = () => ms.tokens.issue({ tenantId, clientId: 'outlook-web', userId, scopes: ['Calendars.ReadWrite'] }).token;
  let token = outlookToken();
  async function graph(method: string, path: string, body?: unknown): Promise<any> {
    // Outlook retries what the faults injected for the sync hit (429, 503, dropped connections) too.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${ms.url}/v1.0${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      }).catch(() => null);
      if (res?.status === 401 && attempt < 8) {
        token = outlookToken(); // the run expires every token of the mailbox now and then
        continue;
      }
      if ((!res || res.status === 429 || res.status >= 500) && attempt < 8) {
        await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
        continue;
      }
      // The technician's edits race the sync's: an event gone meanwhile is simply not edited.
      if (!res || (!res.ok && res.status !== 404)) throw new Error(`Graph ${method} ${path}: ${res?.status ?? 'no answer'}`);
      return res.ok && res.status !== 204 ? res.json() : null;
    }
  }
  const event = (id: string) => `/me/events/${encodeURIComponent(id)}`;
  const instances = async (seriesId: string) =>
    ((await graph('GET', `${event(seriesId)}/instances?startDateTime=2026-11-01T00:00:00Z&endDateTime=2027-03-01T00:00:00Z`))?.value ?? []) as Array<{ id: string; originalStart: string }>;
  const occurrenceId = async (seriesId: string, start: string) => (await instances(seriesId)).find((i) => new Date(i.originalStart).toISOString() === start)?.id;
  const ourProperty = (e: { singleValueExtendedProperties?: Array<{ id: string; value: string }> }) =>
    e.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === MAPPING_PROPERTY_ID.toLowerCase())?.value;
  const path = '^/v1.0/me/';
  return {
    ours: () => new Map([...mailbox().events.values()].filter((e) => ourProperty(e)).map((e) => [e.id, ourProperty(e)!])),
    rename: async (id, title) => void (await graph('PATCH', event(id), { subject: title })),
    remove: async (id) => void (await graph('DELETE', event(id))),
    async invite(id, guest) {
      const current = await graph('GET', event(id));
      if (current) await graph('PATCH', event(id), { attendees: [...(current.attendees ?? []), { type: 'required', emailAddress: { address: guest } }] });
    },
    async editOccurrence(seriesId, start, title) {
      const id = await occurrenceId(seriesId, start);
      if (id) await graph('PATCH', event(id), { subject: title });
    },
    async cancelOccurrence(seriesId, start) {
      const id = await occurrenceId(seriesId, start);
      if (id) await graph('DELETE', event(id));
    },
    occurrences: async (seriesId) => (await instances(seriesId)).map((i) => new Date(i.originalStart).toISOString()).sort(),
    cancellationsSent: () => mailbox().sentMail.filter((m) => m.kind === 'cancellation').length,
    fault: (kind) =>
      ms.controls.inject(
        kind === 'throttle' ? { path, kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 } : kind === 'serverError' ? { path, kind: 'status', status: 503, times: 1 } : { path, kind: 'timeout', delayMs: 100, times: 1 },
      ),
    clearFaults: () => ms.controls.clearFaults(),
    dropNotification: () => ms.controls.dropNotifications(1),
    expireCursors: () => ms.calendar.expireDeltaTokens(),
    expireAccessTokens: () => ms.tokens.revoke(tenantId, userId),
    loseState: () => {
      mailbox().events.clear();
      mailbox().exceptions.clear();
      mailbox().transactions.clear();
      ms.calendar.expireDeltaTokens();
      ms.identity.revokeRefreshTokens(userId);
      ms.tokens.revoke(tenantId, userId);
    },
    idle: () => ms.calendar.notificationsIdle(),
  };
}

export async function convergenceRun(t: Test, provider: 'google' | 'microsoft', seed: number) {
  const emulators = await startEmulators(t);
  const ctx = await startCalendarApp(t, emulators, { listen: true });
  const { app, db } = ctx;
  const a = await setupTenant(ctx, emulators, `cal-converge-${provider}`);
  const { providerId } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, provider);
  await eventually(async () => (await db.selectFrom('calendar_providers').select('channel_id').where('id', '=', providerId).executeTakeFirstOrThrow()).channel_id);
  const side = provider === 'google' ? googleSide(emulators, a) : microsoftSide(emulators, a);
  const adapter = createAdapterFactory({
    db,
    secrets: app.secrets,
    providerUrls: app.coreOptions.providerUrls,
    publicUrl: app.coreOptions.publicUrl,
    resolveMicrosoft: (tenantId) => app.microsoft.resolveConsumerProfile(tenantId, 'calendar'),
  });
  const providerRow = () => db.selectFrom('calendar_providers').selectAll().where('id', '=', providerId).executeTakeFirstOrThrow();

  // A seeded generator, so a failure can be replayed.
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const tag = () => random().toString(36).slice(2, 7);

  const singles: string[] = [];
  const series: { id: string; starts: string[] }[] = [];
  /** Entries whose events the technician invited a guest to: neither side deletes those. */
  const invited = new Set<string>();

  const write = <T>(fn: (trx: typeof db) => Promise<T>) => db.transaction().execute(fn);
  const ignoreGone = (err: Error) => {
    // Raced with a deletion or a change from the calendar: what a user would see as "not found" or "changed".
    if (!/not found|changed by someone else|not an occurrence|cancelled/i.test(err.message)) throw err;
  };
  async function createEntry(title: string, recurring: boolean) {
    const day = 1 + Math.floor(random() * 27);
    const start = `2026-12-${String(day).padStart(2, '0')}T16:00:00.000Z`;
    const entry = await write((trx) =>
      createScheduleEntry(trx, a.tenantId, a.admin.id, {
        title,
        notes: null,
        start,
        end: start.replace('T16', 'T17'),
        timeZone: 'America/Chicago',
        allDay: false,
        recurrence: recurring ? 'FREQ=WEEKLY;COUNT=5' : null,
        assigneeIds: [a.technician.id],
        workItemType: 'ad_hoc',
      } as Parameters<typeof createScheduleEntry>[3]),
    );
    // Chicago keeps standard time from December to February: every occurrence is at 16:00Z.
    if (recurring) series.push({ id: entry.id, starts: Array.from({ length: 5 }, (_, i) => new Date(Date.parse(start) + i * WEEK_MS).toISOString()) });
    else singles.push(entry.id);
  }
  const mappingOf = (entryId: string) => db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();
  /** A mapped entry's event in the calendar, when both exist. */
  async function mappedEvent(entryIds: string[], filter: (id: string) => boolean = () => true) {
    const candidates = entryIds.filter(filter);
    if (candidates.length === 0) return null;
    const entryId = pick(candidates);
    const mapping = await mappingOf(entryId);
    return mapping?.external_id ? { entryId, eventId: mapping.external_id } : null;
  }
  const deletable = (id: string) => !invited.has(id);

  const actions: Record<string, () => Promise<void> | void> = {
    createInPsa: () => createEntry(`Created ${tag()}`, false),
    createSeriesInPsa: () => createEntry(`Series ${tag()}`, true),
    renameInPsa: async () => {
      const id = pick([...singles, ...series.map((s) => s.id)]);
      if (id) await write((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, id, { title: `PSA ${tag()}` })).catch(ignoreGone);
    },
    deleteInPsa: async () => {
      const candidates = singles.filter(deletable);
      if (candidates.length < 3) return;
      const id = pick(candidates);
      singles.splice(singles.indexOf(id), 1);
      await write((trx) => deleteScheduleEntry(trx, a.tenantId, a.admin.id, id)).catch(ignoreGone);
    },
    overrideOccurrenceInPsa: async () => {
      const s = pick(series);
      if (s) await write((trx) => overrideOccurrence(trx, a.tenantId, a.admin.id, s.id, pick(s.starts.slice(1)), { title: `Moved ${tag()}` })).catch(ignoreGone);
    },
    cancelOccurrenceInPsa: async () => {
      const s = pick(series);
      if (s) await write((trx) => cancelOccurrence(trx, a.tenantId, a.admin.id, s.id, pick(s.starts.slice(1)))).catch(ignoreGone);
    },
    renameInCalendar: async () => {
      const target = await mappedEvent([...singles, ...series.map((s) => s.id)]);
      if (target && side.ours().has(target.eventId)) await side.rename(target.eventId, `Calendar ${tag()}`);
    },
    deleteInCalendar: async () => {
      if (singles.filter(deletable).length < 3) return;
      const target = await mappedEvent(singles, deletable);
      if (target && side.ours().has(target.eventId)) await side.remove(target.eventId);
    },
    inviteInCalendar: async () => {
      const target = await mappedEvent(singles);
      if (!target || !side.ours().has(target.eventId)) return;
      invited.add(target.entryId);
      await side.invite(target.eventId, GUEST);
    },
    editOccurrenceInCalendar: async () => {
      const s = pick(series);
      const mapping = s && (await mappingOf(s.id));
      if (mapping?.external_id) await side.editOccurrence(mapping.external_id, pick(s.starts.slice(1)), `Occurrence ${tag()}`);
    },
    cancelOccurrenceInCalendar: async () => {
      const s = pick(series);
      const mapping = s && (await mappingOf(s.id));
      if (mapping?.external_id) await side.cancelOccurrence(mapping.external_id, pick(s.starts.slice(1)));
    },
    throttle: () => side.fault('throttle'),
    serverError: () => side.fault('serverError'),
    dropConnection: () => side.fault('dropConnection'),
    dropNotification: () => side.dropNotification(),
    expireCursors: () => side.expireCursors(),
    expireAccessTokens: () => side.expireAccessTokens(),
    reconnect: async () => void (await connectCalendar(ctx, emulators, a.tech, a.technician.email, provider)),
  };

  async function settled() {
    // Quiet twice in a row: nothing on its way from the emulator, no schedule change waiting in the
    // outbox for its push job, and no calendar job queued, retrying or running.
    let quiet = 0;
    await eventually(async () => {
      await side.idle();
      const { rows } = await sql<{ n: string }>`select
          (select count(*) from pgboss.job where name like 'calendar.%' and name not in ('calendar.sweep', 'calendar.recover-jobs') and state in ('created', 'retry', 'active'))
        + (select count(*) from outbox_events where published_at is null and attempts < 10) as n`.execute(db);
      quiet = Number(rows[0].n) === 0 ? quiet + 1 : 0;
      if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 300));
      return quiet >= 2;
    }, 150_000);
  }

  for (let i = 0; i < 5; i++) await createEntry(`Initial ${i}`, false);
  for (let i = 0; i < 2; i++) await createEntry(`Initial series ${i}`, true);
  await settled();
  // Edits outnumber faults and deletions, so plenty of events remain to compare at the end.
  const names = [
    ...Object.keys(actions),
    ...['createInPsa', 'renameInPsa', 'renameInCalendar', 'inviteInCalendar', 'editOccurrenceInCalendar', 'overrideOccurrenceInPsa'],
  ];
  const log: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    if (step === STEPS / 2) {
      // Once: the provider loses the calendar and the grant; the technician notices and reconnects.
      log.push('loseStateAndReconnect');
      await settled();
      side.loseState();
      invited.clear(); // the guests went with the events
      await a.tech.request('POST', `/api/calendar/providers/${providerId}/sync`);
      await eventually(async () => (await providerRow()).needs_reconnect);
      await connectCalendar(ctx, emulators, a.tech, a.technician.email, provider);
      continue;
    }
    const name = pick(names);
    log.push(name);
    await actions[name]();
    await new Promise((resolve) => setTimeout(resolve, 50 + random() * 150));
  }
  t.comment(`steps: ${log.join(', ')}`);
  side.clearFaults();
  await settled();
  await app.jobs.send('calendar.sweep', {});
  await new Promise((resolve) => setTimeout(resolve, 500));
  await settled();

  t.equal((await providerRow()).status, 'connected', 'the connection is healthy');
  const read = adapter(await providerRow());
  const mappings = await db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).execute();
  let agreeing = 0;
  const inConflict = new Set(mappings.filter((m) => m.status === 'conflict').map((m) => m.schedule_entry_id));
  for (const mapping of mappings.filter((m) => m.status !== 'conflict')) {
    const entry = await getScheduleEntry(db, a.tenantId, mapping.schedule_entry_id).catch(() => null);
    if (entry?.seriesEntryId && inConflict.has(entry.seriesEntryId)) {
      // Its series may even be gone from the calendar: the occurrence waits for the conflict's resolution.
      t.equal(mapping.last_error, SERIES_IN_CONFLICT, `"${entry.title}" waits for its series' conflict`);
      continue;
    }
    const remote = mapping.external_id ? await read.getEvent(mapping.external_id) : null;
    t.ok(entry, `mapping ${mapping.id} has its entry`);
    t.ok(remote?.event, `mapping ${mapping.id} (${entry?.title}) has its event`);
    if (!entry || !remote?.event) continue;
    t.equal(remote.event.title, entry.title, 'same title');
    t.equal(remote.event.start, entry.start, 'same start');
    if (entry.recurrence) {
      const { starts } = series.find((s) => s.id === entry.id)!;
      t.same(await side.occurrences(mapping.external_id!, starts), starts.filter((start) => !entry.excludedStarts.includes(start)), `"${entry.title}": the calendar shows the occurrences the PSA has`);
    }
    if (invited.has(entry.id)) t.ok(remote.event.attendees.includes(GUEST), `"${entry.title}" still invites the guest`);
    agreeing += 1;
  }
  const ours = side.ours();
  const mappingIds = [...ours.values()];
  t.equal(new Set(mappingIds).size, mappingIds.length, 'no event exists twice');
  const known = new Set(mappings.map((m) => m.id));
  t.same(mappingIds.filter((id) => !known.has(id)), [], 'no orphaned event of ours');
  const entryIds = [...singles, ...series.map((s) => s.id)];
  const assigned = (await Promise.all(entryIds.map((id) => getScheduleEntry(db, a.tenantId, id).catch(() => null)))).filter((e) => e?.assigneeIds.includes(a.technician.id));
  t.same(assigned.filter((e) => !mappings.some((m) => m.schedule_entry_id === e!.id)).map((e) => e!.title), [], 'every assigned entry is in the calendar');
  t.equal(side.cancellationsSent(), 0, 'no guest was sent a cancellation');
  t.comment(`${agreeing} mappings agree, ${mappings.length - agreeing} in conflict or waiting for one, ${ours.size} events of ours`);
}
