// Google-specific controls under /_emulator/google/*: seed data, make outside edits, expire or revoke
// tokens, expire channels, read notification deliveries and the mail guests were sent. Not part of
// Google's API.
import type { FastifyInstance } from 'fastify';
import type { AttendeeMail } from './attendee-mail.js';
import type { GoogleContext } from './context.js';
import type { PushHub } from './push.js';
import { applySeed, changeEvent, seedEvent, type GoogleSeed } from './seeding.js';
import { loseCalendarState } from './state-loss.js';

const PREFIX = '/_emulator/google';

export function registerControlRoutes(app: FastifyInstance, context: GoogleContext, hub: PushHub, attendeeMail: AttendeeMail[]): void {
  app.post<{ Body: GoogleSeed }>(`${PREFIX}/seed`, async (request) => {
    applySeed(context, request.body ?? {});
    return { ok: true };
  });

  app.get(`${PREFIX}/state`, async () => ({
    clients: [...context.oauth.clients.values()].map(({ clientSecret: _secret, ...client }) => client),
    accounts: [...context.oauth.accounts.values()],
    calendars: [...context.store.calendars.values()].map((c) => ({ ...c, events: context.store.eventsOf(c.id).length })),
    channels: [...hub.channels.values()],
  }));

  // Everything a calendar holds, tombstones included, without a token: for tests and the demo's eyes.
  app.get<{ Params: { calendarId: string } }>(`${PREFIX}/calendars/:calendarId/events`, async (request) => ({
    items: context.store.eventsOf(request.params.calendarId).map((e) => e.resource),
  }));

  app.post<{ Params: { calendarId: string }; Body: Record<string, unknown> }>(`${PREFIX}/calendars/:calendarId/events`, async (request) =>
    seedEvent(context, request.params.calendarId, request.body ?? {}),
  );
  app.patch<{ Params: { calendarId: string; eventId: string }; Body: Record<string, unknown> }>(
    `${PREFIX}/calendars/:calendarId/events/:eventId`,
    async (request) => changeEvent(context, request.params.calendarId, request.params.eventId, request.body ?? {}),
  );
  app.delete<{ Params: { calendarId: string; eventId: string } }>(`${PREFIX}/calendars/:calendarId/events/:eventId`, async (request) =>
    changeEvent(context, request.params.calendarId, request.params.eventId, { status: 'cancelled' }),
  );

  app.post<{ Body: { email?: string; revokeGrants?: boolean } }>(`${PREFIX}/lose-calendar-state`, async (request, reply) => {
    if (!request.body?.email) return reply.code(400).send({ error: '`email` names the account whose calendar is emptied.' });
    return loseCalendarState(context, request.body.email, { revokeGrants: request.body.revokeGrants });
  });
  app.post(`${PREFIX}/expire-sync-tokens`, async () => {
    context.store.syncEpoch += 1;
    return { ok: true };
  });
  app.post<{ Body: { email?: string; clientId?: string } }>(`${PREFIX}/revoke-refresh-tokens`, async (request) => ({
    revoked: context.oauth.revokeGrants(request.body ?? {}),
  }));
  app.post<{ Body: { email?: string } }>(`${PREFIX}/expire-access-tokens`, async (request) => ({
    expired: context.oauth.expireAccessTokens(request.body ?? {}),
  }));
  app.post<{ Body: { id?: string } }>(`${PREFIX}/expire-channels`, async (request) => ({ expired: hub.expire(request.body?.id) }));
  app.get(`${PREFIX}/deliveries`, async () => hub.deliveries);
  app.get(`${PREFIX}/attendee-mail`, async () => attendeeMail);
}
