// Seeding and "someone changed it in Google Calendar" edits, used by tests, the demo and the control
// routes. Edits go through the same store as the API, so they bump sync tokens and notify channels.
import { randomUUID } from 'node:crypto';
import type { Calendar } from './calendar-store.js';
import type { GoogleContext } from './context.js';
import { GoogleApiError } from './errors.js';
import { buildInsertedEvent, buildPatchedEvent, type EventResource } from './event-model.js';
import type { GoogleAccount, OAuthClient } from './oauth-store.js';
import { findEvent } from './recurrence.js';

export interface GoogleSeed {
  clients?: Array<Partial<OAuthClient> & { clientId: string }>;
  accounts?: Array<{ email: string; name?: string; timeZone?: string }>;
  calendars?: Array<{ id: string; owner: string; summary?: string; description?: string; timeZone?: string }>;
  events?: Array<{ calendarId: string; event: Record<string, unknown> }>;
}

/** An account and its primary calendar (whose id is the account's email, as on Google). */
export function seedAccount(context: GoogleContext, input: { email: string; name?: string; timeZone?: string }): GoogleAccount {
  const account = context.oauth.addAccount(input);
  context.store.addCalendar({ id: account.email, owner: account.email, summary: account.email, timeZone: input.timeZone ?? 'UTC' });
  return account;
}

export function seedCalendar(context: GoogleContext, input: NonNullable<GoogleSeed['calendars']>[number]): Calendar {
  seedAccount(context, { email: input.owner });
  return context.store.addCalendar(input);
}

function calendarOrThrow(context: GoogleContext, calendarId: string): Calendar {
  const calendar = context.store.calendars.get(calendarId);
  if (!calendar) throw new GoogleApiError(404, { domain: 'global', reason: 'notFound', message: `Unknown calendar ${calendarId}` });
  return calendar;
}

/** An event created outside the product (e.g. by the user in Google Calendar). */
export function seedEvent(context: GoogleContext, calendarId: string, event: Record<string, unknown>): EventResource {
  const calendar = calendarOrThrow(context, calendarId);
  const resource = buildInsertedEvent(event, {
    calendarId: calendar.id,
    ownerEmail: calendar.owner,
    baseUrl: context.baseUrl(),
    now: context.now(),
    newId: () => randomUUID().replaceAll('-', ''),
  });
  return context.store.write(calendar.id, resource).resource;
}

/**
 * An outside edit with patch semantics; `{status: 'cancelled'}` deletes. An instance id of a series
 * edits or cancels that one occurrence, as in Google Calendar's "This event" choice.
 */
export function changeEvent(context: GoogleContext, calendarId: string, eventId: string, patch: Record<string, unknown>): EventResource {
  const calendar = calendarOrThrow(context, calendarId);
  const stored = findEvent(context.store, calendar, eventId);
  if (!stored) throw new GoogleApiError(404, { domain: 'global', reason: 'notFound', message: `Unknown event ${eventId}` });
  return context.store.write(calendar.id, buildPatchedEvent(stored.resource, patch)).resource;
}

export function applySeed(context: GoogleContext, seed: GoogleSeed): void {
  for (const client of seed.clients ?? []) context.oauth.addClient(client);
  for (const account of seed.accounts ?? []) seedAccount(context, account);
  for (const calendar of seed.calendars ?? []) seedCalendar(context, calendar);
  for (const { calendarId, event } of seed.events ?? []) seedEvent(context, calendarId, event);
}
