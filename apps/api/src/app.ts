// Builds the Fastify application for an edition: core and microsoft-bindings always, the EE
// plugins only for `ee`, loaded with a dynamic import so a CE install without them still starts.
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { DatabaseHandle } from '@switchboard/db';
import { accessLogController, corePlugin, type Keyring } from '@switchboard/core';
import { microsoftBindingsPlugin } from '@switchboard/microsoft-bindings';
import type { Config } from './config.js';
import { cookieSecretsFrom } from './keyring.js';
import { loggerOptions } from './logger.js';
import { DEFAULT_WEB_DIST, registerWeb } from './web.js';

export interface BuildAppOptions {
  config: Config;
  database: DatabaseHandle;
  keyring: Keyring;
  /** Overrides the logger (tests pass a capturing stream). */
  logger?: import('fastify').FastifyServerOptions['logger'];
  serveWeb?: boolean;
  outboxIntervalMs?: number;
  /** Called on the bare instance before any plugin, e.g. to add an onRoute hook in tests. */
  configure?: (app: FastifyInstance) => void;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.LOG_LEVEL),
    logController: accessLogController,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
  });
  options.configure?.(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(corePlugin, {
    database: options.database,
    edition: config.EDITION,
    publicUrl: config.publicUrl,
    providerUrls: config.providerUrls,
    dns: config.dns,
    keyring: options.keyring,
    cookieSecrets: cookieSecretsFrom(options.keyring),
    cookieSecure: config.cookieSecure,
    sessionTtlMs: config.SESSION_TTL_HOURS * 3600_000,
    sessionCache: { ttlMs: config.SESSION_CACHE_TTL_SECONDS * 1000, maxEntries: config.SESSION_CACHE_MAX_ENTRIES },
    loginRateLimitPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerIpPerMinute: config.LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE,
    runWorkers: config.SWITCHBOARD_WORKERS === 'inline',
    outboxIntervalMs: options.outboxIntervalMs ?? 1000,
    metricsToken: config.METRICS_TOKEN,
    allowLoopbackProviders: config.SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS,
  });
  await app.register(microsoftBindingsPlugin);
  if (config.EDITION === 'ee') {
    for (const plugin of await loadEnterprisePlugins()) await app.register(plugin, { sweepMinutes: config.CALENDAR_SWEEP_MINUTES, webhookRateLimitPerMinute: config.WEBHOOK_RATE_LIMIT_PER_MINUTE });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(app.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', message: 'The database is not reachable.' });
    }
  });

  if (options.serveWeb ?? true) await registerWeb(app, config.SWITCHBOARD_WEB_DIST ?? DEFAULT_WEB_DIST);
  return app;
}

async function loadEnterprisePlugins() {
  try {
    const [calendar, entra] = await Promise.all([import('@switchboard/calendar-ee'), import('@switchboard/entra-ee')]);
    return [calendar.calendarPlugin, entra.entraPlugin];
  } catch (err) {
    throw new Error(`EDITION=ee needs the Enterprise plugins (@switchboard/calendar-ee, @switchboard/entra-ee): ${(err as Error).message}`);
  }
}
