// The stable calendar URLs (DESIGN.md → Edition contract). Calendar sync (EE) implements them.
import type { StableRoute } from './surface.js';
import { ALL_METHODS } from './surface.js';

export const CALENDAR_HANDLERS = [
  'googleCallback',
  'microsoftCallback',
  'googleWebhook',
  'microsoftWebhook',
  'listProviders',
  'createProvider',
  'getProvider',
  'updateProvider',
  'deleteProvider',
  'connectProvider',
  'syncProvider',
  'status',
  'listConflicts',
  'resolveConflict',
  'getSettings',
  'updateSettings',
  'entrySync',
  'notFound',
] as const;
export type CalendarHandler = (typeof CALENDAR_HANDLERS)[number];

// Google's notifications have an empty body; Graph's deliveries are JSON batches, also capped at
// 1,000 notifications (calendar-ee schemas.ts MAX_GRAPH_NOTIFICATIONS, derived from this limit).
const WEBHOOK_BODY_LIMIT = 256 * 1024;

export const CALENDAR_ROUTES: StableRoute<CalendarHandler>[] = [
  { method: 'GET', url: '/api/auth/google/calendar/callback', handler: 'googleCallback' },
  { method: 'GET', url: '/api/auth/microsoft/calendar/callback', handler: 'microsoftCallback' },
  // No access log lines for the webhooks (accessLogController in ./index.ts).
  { method: 'POST', url: '/api/calendar/webhooks/google', handler: 'googleWebhook', bodyLimit: WEBHOOK_BODY_LIMIT },
  // Also Graph's subscription validation handshake (POST with ?validationToken=).
  { method: 'POST', url: '/api/calendar/webhooks/microsoft', handler: 'microsoftWebhook', bodyLimit: WEBHOOK_BODY_LIMIT },
  { method: 'GET', url: '/api/calendar/providers', handler: 'listProviders' },
  { method: 'POST', url: '/api/calendar/providers', handler: 'createProvider' },
  { method: 'GET', url: '/api/calendar/providers/:id', handler: 'getProvider' },
  { method: 'PATCH', url: '/api/calendar/providers/:id', handler: 'updateProvider' },
  { method: 'DELETE', url: '/api/calendar/providers/:id', handler: 'deleteProvider' },
  { method: 'POST', url: '/api/calendar/providers/:id/connect', handler: 'connectProvider' },
  { method: 'POST', url: '/api/calendar/providers/:id/sync', handler: 'syncProvider' },
  { method: 'GET', url: '/api/calendar/status', handler: 'status' },
  { method: 'GET', url: '/api/calendar/conflicts', handler: 'listConflicts' },
  { method: 'POST', url: '/api/calendar/conflicts/:id/resolve', handler: 'resolveConflict' },
  { method: 'GET', url: '/api/calendar/settings', handler: 'getSettings' },
  { method: 'PUT', url: '/api/calendar/settings', handler: 'updateSettings' },
  { method: 'GET', url: '/api/calendar/entry-sync', handler: 'entrySync' },
  // Anything else under /api/calendar is still a calendar URL: CE says "enterprise only", EE 404s.
  { method: ALL_METHODS, url: '/api/calendar/*', handler: 'notFound' },
];

export const CALENDAR_CE_ERROR = 'Calendar sync is only available in Enterprise Edition.';
