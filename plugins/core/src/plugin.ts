// switchboard-core: tenancy, auth, secrets, audit, jobs, outbox, feature flags, the edition
// contract and the PSA records. Other plugins declare `dependencies: ['switchboard-core']` and use
// the decorators declared below.
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { registerSecurityHeaders } from './security-headers.js';
import type { FastifyInstance, preHandlerAsyncHookHandler, FastifyRequest, FastifyReply } from 'fastify';
import type { DatabaseHandle } from '@switchboard/db';
import { createAuthHooks } from './auth.js';
import { describeEdition, type Edition, type EditionInfo } from './edition.js';
import { registerErrorHandling } from './errors.js';
import type { Permission } from './permissions.js';
import type { Keyring } from './services/keyring.js';
import { createSecretStore, type SecretStore } from './services/secrets.js';
import { createJobQueue, type JobQueue } from './services/jobs.js';
import { createOutboxRelay, type OutboxRelay } from './services/outbox.js';
import { registerFeatureFlags } from './services/feature-flags.js';
import { deleteExpiredSessions, type SessionUser } from './services/sessions.js';
import { createSessionCache, type SessionCache } from './services/session-cache.js';
import { createSignInPolicy, type SignInPolicy } from './services/sign-in-policy.js';
import type { Db } from './tenancy.js';
import { authRoutes, createSignIn } from './routes/auth.js';
import { editionRoutes } from './routes/edition.js';
import { userRoutes } from './routes/users.js';
import { settingsRoutes } from './routes/settings.js';
import { clientRoutes } from './routes/clients.js';
import { contactRoutes } from './routes/contacts.js';
import { scheduleEntryRoutes } from './routes/schedule-entries.js';
import { scheduleSeriesRoutes } from './routes/schedule-series.js';
import { scheduleSettingsRoutes } from './routes/schedule-settings.js';
import { notificationRoutes } from './routes/notifications.js';
import { notificationCenter } from './services/notifications.js';
import { registerEnterpriseSurfaces } from './enterprise/index.js';
import { createMetrics, type Metrics } from './services/metrics.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { integrationHealthRoutes, registerIntegrationHealthJob } from './routes/integration-health.js';

/** Base URLs of the provider services, without a trailing slash. */
export interface ProviderUrls {
  /** Microsoft identity platform: https://login.microsoftonline.com */
  microsoftLogin: string;
  /** Microsoft Graph: https://graph.microsoft.com (the /v1.0 path is added by callers) */
  microsoftGraph: string;
  /** Google's authorize page host: https://accounts.google.com */
  googleAccounts: string;
  /** Google token and revoke endpoints: https://oauth2.googleapis.com */
  googleOAuth2: string;
  /** Google APIs root (Calendar v3 lives under /calendar/v3): https://www.googleapis.com */
  googleApi: string;
}

export interface CoreOptions {
  database: DatabaseHandle;
  edition: Edition;
  /** Where browsers and providers reach this server (redirect URIs, webhook addresses). */
  publicUrl: string;
  /** Where this server reaches Google and Microsoft (the emulators in tests and the demo). */
  providerUrls: ProviderUrls;
  /** Where DNS lookups (login-domain TXT records) go: the system's resolvers when servers is absent. */
  dns?: { servers?: string[]; timeoutMs?: number };
  keyring: Keyring;
  /** Keys that sign the session cookie: the first signs, all verify (for rotation). */
  cookieSecrets: string[];
  cookieSecure: boolean;
  sessionTtlMs: number;
  /**
   * The per-process session cache (services/session-cache.ts): how long an entry may be served
   * (0 turns it off) and how many are kept. It starts when the server listens, so a worker process
   * (no HTTP) opens no LISTEN connection. Off when not given.
   */
  sessionCache?: { ttlMs: number; maxEntries: number };
  loginRateLimitPerMinute: number;
  /** Sign-in attempts per client address across all accounts. */
  loginRateLimitPerIpPerMinute: number;
  /** Run job workers and the outbox relay in this process. */
  runWorkers: boolean;
  outboxIntervalMs: number;
  /** Bearer token that opens GET /metrics; unset: the URL answers 404. */
  metricsToken?: string;
  /** Dev and demo only: provider URLs a user sets (CIPP) may be http(s) to loopback (the emulators). */
  allowLoopbackProviders?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    coreOptions: CoreOptions;
    edition: EditionInfo;
    secrets: SecretStore;
    jobs: JobQueue;
    outbox: OutboxRelay;
    /** Sessions served without a database round trip, dropped on LISTEN/NOTIFY invalidations. */
    sessionCache: SessionCache;
    /** Prometheus metrics of this app instance (EE plugins count their work here). */
    metrics: Metrics;
    currentUser(request: FastifyRequest): Promise<SessionUser | null>;
    requireUser: preHandlerAsyncHookHandler;
    requireInternal: preHandlerAsyncHookHandler;
    requirePermission(permission: Permission): preHandlerAsyncHookHandler;
    /** Rules plugins add to password sign-in (`app.signInPolicy.register(check)`). */
    signInPolicy: SignInPolicy;
    /** Starts a session for an authenticated user: cookie set, sign-in audited. */
    signInUser(
      reply: FastifyReply,
      who: { tenantId: string; userId: string; method: 'password' | 'microsoft' },
    ): Promise<{ user: SessionUser; csrfToken: string }>;
  }
  interface FastifyRequest {
    /** Set by requireUser / requireInternal / requirePermission. */
    user: SessionUser | null;
  }
}

async function core(app: FastifyInstance, options: CoreOptions) {
  const db = options.database.db;

  // External plugins.
  await app.register(cookie, { secret: options.cookieSecrets });
  await app.register(rateLimit, { global: false });
  await registerSecurityHeaders(app);

  // Application services.
  const jobs = createJobQueue({ connectionString: options.database.connectionString, runWorkers: options.runWorkers, log: app.log });
  const outbox = createOutboxRelay(db, app.log);
  app.decorate('db', db);
  app.decorate('coreOptions', options);
  app.decorate('edition', describeEdition(options.edition));
  app.decorate('secrets', createSecretStore(options.keyring));
  app.decorate('jobs', jobs);
  app.decorate('outbox', outbox);
  app.decorate('notifications', notificationCenter);
  app.decorate('metrics', createMetrics(db));
  app.decorateRequest('user', null);
  const sessionCache = createSessionCache({
    connectionString: options.database.connectionString,
    ttlMs: options.sessionCache?.ttlMs ?? 0,
    maxEntries: options.sessionCache?.maxEntries ?? 0,
    log: app.log,
  });
  app.decorate('sessionCache', sessionCache);
  const auth = createAuthHooks(db, options.sessionTtlMs, options.cookieSecure, sessionCache);
  app.decorate('currentUser', auth.currentUser);
  app.decorate('requireUser', auth.requireUser);
  app.decorate('requireInternal', auth.requireInternal);
  app.decorate('requirePermission', auth.requirePermission);
  app.decorate('signInPolicy', createSignInPolicy());
  app.decorate('signInUser', createSignIn(app));
  registerErrorHandling(app);
  registerMetricsRoute(app);

  jobs.define({
    name: 'core.session-cleanup',
    handler: async () => {
      await deleteExpiredSessions(db);
    },
  });

  app.addHook('onReady', async () => {
    await registerFeatureFlags(db);
    await jobs.start();
    if (options.runWorkers) {
      await jobs.boss.schedule('core.session-cleanup', '17 * * * *');
      outbox.start(options.outboxIntervalMs);
    }
  });
  app.addHook('onListen', async () => {
    sessionCache.start();
  });
  app.addHook('onClose', async () => {
    await sessionCache.stop();
    await outbox.stop();
    await jobs.stop();
  });

  // After the queue's own onReady hook, which starts pg-boss before this schedules.
  registerIntegrationHealthJob(app);

  // Routes.
  await app.register(authRoutes);
  await app.register(editionRoutes);
  await app.register(userRoutes);
  await app.register(settingsRoutes);
  await app.register(clientRoutes);
  await app.register(contactRoutes);
  await app.register(scheduleEntryRoutes);
  await app.register(scheduleSeriesRoutes);
  await app.register(scheduleSettingsRoutes);
  await app.register(notificationRoutes);
  await app.register(integrationHealthRoutes);
  registerEnterpriseSurfaces(app);
}

export const corePlugin = fp(core, { name: 'switchboard-core', fastify: '5.x' });
