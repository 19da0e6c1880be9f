// The Google emulator: OAuth (accounts.google.com + oauth2.googleapis.com) and Calendar v3
// (www.googleapis.com/calendar/v3) with push channels, in one process sharing tokens and controls.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { Controls, registerControls } from '../controls.js';
import { listenLocal } from '../listen.js';
import { allowHttpWebhooksFromEnv } from '../webhook-scheme.js';
import { registerAttendeeMail, type AttendeeMail } from './attendee-mail.js';
import { registerAuthorizeRoutes } from './authorize-routes.js';
import { CalendarStore } from './calendar-store.js';
import { registerCalendarRoutes } from './calendars-routes.js';
import type { GoogleContext } from './context.js';
import { registerControlRoutes } from './control-routes.js';
import { GoogleApiError, googleError, oauthError, renderFault } from './errors.js';
import type { EventResource } from './event-model.js';
import { registerEventPage } from './event-page.js';
import { registerEventRoutes } from './events-routes.js';
import { IdTokenSigner } from './id-token.js';
import { OAuthStore, type GoogleAccount, type OAuthClient } from './oauth-store.js';
import { PushHub, type Delivery, type Channel } from './push.js';
import { registerPushRoutes } from './push-routes.js';
import { applySeed, changeEvent, seedAccount, seedCalendar, seedEvent, type GoogleSeed } from './seeding.js';
import { registerTokenRoutes } from './token-routes.js';

export interface GoogleEmulatorOptions {
  port?: number;
  host?: string;
  /** Clients, accounts, calendars and events applied at start and again after every reset. */
  seed?: GoogleSeed;
  /** Google's access tokens live an hour (expires_in 3599). */
  accessTokenLifetimeSeconds?: number;
  channelDefaultTtlSeconds?: number;
  channelMaxTtlSeconds?: number;
  /**
   * Loopback/demo mode: accept plain-http webhook addresses, which real Google refuses (400
   * push.webhookUrlNotHttps). Default: the environment variable EMULATOR_ALLOW_HTTP_WEBHOOKS=true.
   */
  allowHttpWebhooks?: boolean;
  /** Waits before re-sending a notification answered 5xx (real Google: exponential backoff). */
  notificationRetryDelaysMs?: number[];
  notificationTimeoutMs?: number;
  now?: () => number;
}

export interface GoogleEmulator {
  app: FastifyInstance;
  url: string;
  /** Pass as `rootUrl` to `calendar({ version: 'v3', rootUrl })`. */
  rootUrl: string;
  /** Pass as `endpoints` to `new OAuth2Client({ endpoints })`. */
  endpoints: Record<'oauth2AuthBaseUrl' | 'oauth2TokenUrl' | 'oauth2RevokeUrl' | 'tokenInfoUrl' | 'oauth2FederatedSignonPemCertsUrl' | 'oauth2FederatedSignonJwkCertsUrl', string>;
  controls: Controls;
  context: GoogleContext;
  push: PushHub;
  seed(seed: GoogleSeed): void;
  addClient(client: Partial<OAuthClient> & { clientId: string }): OAuthClient;
  addAccount(account: { email: string; name?: string; timeZone?: string }): GoogleAccount;
  addCalendar(calendar: { id: string; owner: string; summary?: string; timeZone?: string }): void;
  /** Outside edits (as if made in Google Calendar): they bump sync state and notify channels. */
  insertEvent(calendarId: string, event: Record<string, unknown>): EventResource;
  changeEvent(calendarId: string, eventId: string, patch: Record<string, unknown>): EventResource;
  deleteEvent(calendarId: string, eventId: string): EventResource;
  /** Every event of a calendar, cancelled ones included. */
  events(calendarId: string): EventResource[];
  expireSyncTokens(): void;
  revokeRefreshTokens(filter?: { email?: string; clientId?: string }): number;
  expireAccessTokens(filter?: { email?: string }): number;
  expireChannels(id?: string): number;
  channels(): Channel[];
  deliveries(): Delivery[];
  /** Invitations and cancellations Google would have mailed to guests, oldest first. */
  attendeeMail(): AttendeeMail[];
  /** Resolves once every notification started so far has been delivered (or failed). */
  idle(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  await app.register(formbody);
  let url = '';
  const controls = new Controls();
  // One clock for tokens, events and channels, which POST /_emulator/clock moves forward.
  const now = controls.clock(options.now ?? Date.now);
  const context: GoogleContext = {
    oauth: new OAuthStore(now, options.accessTokenLifetimeSeconds ?? 3599),
    store: new CalendarStore(now),
    controls,
    baseUrl: () => url,
    now,
  };
  const push = new PushHub(controls, now, { retryDelaysMs: options.notificationRetryDelaysMs ?? [1000, 2000, 4000], deliveryTimeoutMs: options.notificationTimeoutMs ?? 10_000 }, context.store);

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof GoogleApiError) return reply.code(error.status).send(googleError(error.status, error.item));
    if ((error.statusCode ?? 500) < 500) {
      return reply.code(error.statusCode ?? 400).send(googleError(error.statusCode ?? 400, { domain: 'global', reason: 'parseError', message: error.message }));
    }
    return reply.code(500).send(googleError(500, { domain: 'global', reason: 'backendError', message: 'Backend Error' }));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(googleError(404, { domain: 'global', reason: 'notFound', message: `Not Found: ${request.method} ${request.url.split('?')[0]}` })),
  );

  registerControls(app, controls, {
    // Calendar paths answer in the Calendar error shape; the OAuth endpoints in their flat shape.
    renderError: (status, rule, path) =>
      path.startsWith('/calendar/') ? renderFault(status, rule) : oauthError(status >= 500 ? 'internal_failure' : 'invalid_request', `Injected ${status} from the emulator.`),
    onReset: () => reset(),
  });
  registerAuthorizeRoutes(app, context);
  registerTokenRoutes(app, context, new IdTokenSigner());
  registerCalendarRoutes(app, context);
  const attendeeMail = registerAttendeeMail(app, context);
  registerEventRoutes(app, context);
  registerEventPage(app, context);
  registerPushRoutes(app, context, push, {
    defaultTtlSeconds: options.channelDefaultTtlSeconds ?? 604_800,
    maxTtlSeconds: options.channelMaxTtlSeconds ?? 2_592_000,
    allowHttp: options.allowHttpWebhooks ?? allowHttpWebhooksFromEnv(),
  });
  registerControlRoutes(app, context, push, attendeeMail);

  function reset(): void {
    context.oauth.reset();
    context.store.reset();
    push.reset();
    attendeeMail.length = 0;
    if (options.seed) applySeed(context, options.seed);
  }

  const listening = await listenLocal(app, options);
  url = listening.url;
  if (options.seed) applySeed(context, options.seed);
  return {
    app,
    url,
    rootUrl: `${url}/`,
    endpoints: {
      oauth2AuthBaseUrl: `${url}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${url}/token`,
      oauth2RevokeUrl: `${url}/revoke`,
      tokenInfoUrl: `${url}/tokeninfo`,
      oauth2FederatedSignonPemCertsUrl: `${url}/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${url}/oauth2/v3/certs`,
    },
    controls,
    context,
    push,
    seed: (seed) => applySeed(context, seed),
    addClient: (client) => context.oauth.addClient(client),
    addAccount: (account) => seedAccount(context, account),
    addCalendar: (calendar) => void seedCalendar(context, calendar),
    insertEvent: (calendarId, event) => seedEvent(context, calendarId, event),
    changeEvent: (calendarId, eventId, patch) => changeEvent(context, calendarId, eventId, patch),
    deleteEvent: (calendarId, eventId) => changeEvent(context, calendarId, eventId, { status: 'cancelled' }),
    events: (calendarId) => context.store.eventsOf(calendarId).map((e) => e.resource),
    expireSyncTokens: () => void (context.store.syncEpoch += 1),
    revokeRefreshTokens: (filter) => context.oauth.revokeGrants(filter),
    expireAccessTokens: (filter) => context.oauth.expireAccessTokens(filter),
    expireChannels: (id) => push.expire(id),
    channels: () => [...push.channels.values()],
    deliveries: () => push.deliveries,
    attendeeMail: () => attendeeMail,
    idle: () => push.idle(),
    reset: () => {
      controls.reset();
      reset();
    },
    close: async () => {
      await push.idle();
      await listening.close();
    },
  };
}
