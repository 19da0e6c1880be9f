// What the parts of the Google emulator share, and the access check every Calendar call makes.
import type { FastifyRequest } from 'fastify';
import type { Controls } from '../controls.js';
import type { Calendar, CalendarStore } from './calendar-store.js';
import { apiErrors } from './errors.js';
import type { AccessToken, OAuthStore } from './oauth-store.js';

export interface GoogleContext {
  oauth: OAuthStore;
  store: CalendarStore;
  controls: Controls;
  /** `http://127.0.0.1:port` once listening; used in htmlLink and resourceUri. */
  baseUrl(): string;
  now(): number;
}

const SCOPE = 'https://www.googleapis.com/auth/';
/** Scopes per access level, from the discovery doc's method scopes (provider-facts/google-discovery.md). */
export const SCOPES = {
  readEvents: ['calendar', 'calendar.readonly', 'calendar.events', 'calendar.events.readonly'].map((s) => SCOPE + s),
  writeEvents: ['calendar', 'calendar.events'].map((s) => SCOPE + s),
  readCalendars: ['calendar', 'calendar.readonly'].map((s) => SCOPE + s),
};

/**
 * The caller behind the bearer token, or a 401 like the errors guide's `authError` ("Invalid
 * Credentials") — which is what makes google-auth-library refresh and replay.
 */
export function authenticate(context: GoogleContext, request: FastifyRequest, allowed: string[]): AccessToken {
  const access = context.oauth.verify(request.headers.authorization);
  if (access === undefined) throw apiErrors.loginRequired();
  if (access === null) throw apiErrors.authError();
  if (!access.scopes.some((s) => allowed.includes(s))) throw apiErrors.insufficientScopes();
  return access;
}

/** `primary` is the caller's own calendar; another account's calendar is invisible (404). */
export function calendarFor(context: GoogleContext, access: AccessToken, calendarId: string): Calendar {
  const id = calendarId === 'primary' ? access.email : calendarId;
  const calendar = context.store.calendars.get(id);
  if (!calendar || calendar.owner !== access.email) throw apiErrors.notFound();
  return calendar;
}
