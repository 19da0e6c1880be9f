// The calendar-ee handlers behind core's stable calendar URLs: parse, authorize, call a service,
// shape the reply. The webhooks are public (providers call them): verified by their secrets,
// rate limited, and answered before any provider is called.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, BadRequest, Conflict, createAddressLimiter, type CalendarHandler, type SurfaceHandler } from '@switchboard/core';
import { callbackQuery, conflictListQuery, idParams, parse, providerInput, providerListQuery, providerPatch, resolutionInput, settingsInput } from '../schemas.js';
import { listConflicts, resolveConflict } from '../services/conflicts.js';
import { createWebhookIngest } from '../services/webhooks.js';
import { completeConnect, ConnectRefused, startConnect } from '../services/connect.js';
import { disconnectProvider } from '../services/disconnect.js';
import { createProvider, findProvider, getProvider, listProviders, updateProvider, withPush, type CalendarProvider, type Viewer } from '../services/providers.js';
import { getSettings, googleApp, updateSettings } from '../services/settings.js';
import { entrySyncQuery, listEntrySync } from '../services/entry-sync.js';
import { enqueueSync, reconnectKey } from '../services/calendar-jobs.js';
import type { CalendarDeps } from '../plugin.js';

export function calendarHandlers(app: FastifyInstance, deps: CalendarDeps, webhookRateLimitPerMinute: number): Record<CalendarHandler, SurfaceHandler> {
  const shown = (provider: CalendarProvider) => withPush(provider, deps.push);
  const viewer = async (request: FastifyRequest, reply: FastifyReply): Promise<Viewer> => {
    await app.requireInternal.call(app, request, reply);
    const user = request.user!;
    return { tenantId: user.tenantId, userId: user.userId, isAdmin: user.permissions.includes('system_settings.update') };
  };
  const admin = async (request: FastifyRequest, reply: FastifyReply, permission: 'system_settings.read' | 'system_settings.update') => {
    await app.requirePermission(permission).call(app, request, reply);
    return request.user!;
  };
  const callback = (providerType: 'google' | 'microsoft'): SurfaceHandler => async (request, reply) => {
    const query = parse(callbackQuery, request.query, 'query');
    const user = await app.currentUser(request);
    try {
      const providerId = await completeConnect(deps, providerType, query, user);
      await deps.notifications.resolve(app.db, user!.tenantId, reconnectKey(providerId));
      await enqueueSync(app.jobs, app.db, user!.tenantId, providerId);
      return reply.redirect(`/profile?tab=calendar&connected=${providerType}`);
    } catch (err) {
      if (!(err instanceof ConnectRefused)) throw err;
      request.log.info({ reason: err.reason, providerType }, 'calendar connection refused');
      return reply.redirect(`/profile?tab=calendar&calendarError=${err.reason}`);
    }
  };
  // Generous: a provider may send a lot from one address, but a flood is cut off (429 + Retry-After).
  const webhookLimit = createAddressLimiter({ max: webhookRateLimitPerMinute, windowMs: 60_000 });
  const refuseFlood = (request: FastifyRequest, reply: FastifyReply) => {
    const waitSeconds = webhookLimit.take(request.ip);
    if (waitSeconds === 0) return;
    reply.header('retry-after', waitSeconds);
    throw new AppError(429, `Rate limit exceeded, retry in ${waitSeconds} seconds.`);
  };
  const ingest = createWebhookIngest({ db: app.db, secrets: app.secrets, jobs: app.jobs });
  const countWebhook = (provider: 'google' | 'microsoft', result: { accepted: number; rejected: number }) => {
    app.metrics.webhookNotifications.inc({ provider, outcome: 'received' }, Math.max(1, result.accepted + result.rejected));
    if (result.rejected > 0) app.metrics.webhookNotifications.inc({ provider, outcome: 'rejected' }, result.rejected);
    if (result.accepted > 0) app.metrics.webhookNotifications.inc({ provider, outcome: 'enqueued' }, result.accepted);
  };

  return {
    notFound: (_request, reply) => reply.callNotFound(),
    googleWebhook: async (request, reply) => {
      refuseFlood(request, reply);
      const result = await ingest.google(request.headers);
      countWebhook('google', result);
      if (result.status >= 400) request.log.warn({ status: result.status, provider: 'google' }, 'calendar webhook rejected');
      return reply.code(result.status).send(result.status < 300 ? undefined : { error: 'Unknown or unverified channel.' });
    },
    microsoftWebhook: async (request, reply) => {
      refuseFlood(request, reply);
      const token = (request.query as { validationToken?: unknown }).validationToken;
      if (typeof token === 'string') {
        // The subscription handshake: echo the token as plain text within 10 seconds.
        if (token.length > 1024) return reply.code(400).send({ error: 'validationToken is too long.' });
        return reply.code(200).type('text/plain; charset=utf-8').send(token);
      }
      const result = await ingest.graph(request.body);
      countWebhook('microsoft', result);
      if (result.rejected > 0) request.log.warn({ rejected: result.rejected, accepted: result.accepted, provider: 'microsoft' }, 'calendar notifications rejected');
      return reply.code(result.status).send(result.status < 300 ? undefined : { error: 'No notification of this delivery could be verified.' });
    },
    listConflicts: async (request, reply) => ({ items: await listConflicts(app.db, await viewer(request, reply), parse(conflictListQuery, request.query, 'query').scope) }),
    resolveConflict: async (request, reply) => {
      const who = await viewer(request, reply);
      const { id } = parse(idParams, request.params, 'params');
      const choice = parse(resolutionInput, request.body);
      await app.db.transaction().execute((trx) => resolveConflict(trx, deps, who, id, choice));
      app.metrics.conflicts.inc({ outcome: 'resolved' });
      return { success: true };
    },
    googleCallback: callback('google'),
    microsoftCallback: callback('microsoft'),

    listProviders: async (request, reply) => ({ items: (await listProviders(app.db, await viewer(request, reply), parse(providerListQuery, request.query, 'query').scope)).map(shown) }),
    createProvider: async (request, reply) => {
      const who = await viewer(request, reply);
      const input = parse(providerInput, request.body);
      return reply.code(201).send(shown(await app.db.transaction().execute((trx) => createProvider(trx, who, input))));
    },
    getProvider: async (request, reply) => shown(await getProvider(app.db, await viewer(request, reply), parse(idParams, request.params, 'params').id)),
    updateProvider: async (request, reply) => {
      const who = await viewer(request, reply);
      const { id } = parse(idParams, request.params, 'params');
      const patch = parse(providerPatch, request.body);
      return shown(await app.db.transaction().execute((trx) => updateProvider(trx, who, id, patch)));
    },
    deleteProvider: async (request, reply) => {
      const who = await viewer(request, reply);
      await disconnectProvider(deps, who, parse(idParams, request.params, 'params').id);
      return { success: true };
    },
    connectProvider: async (request, reply) => {
      const who = await viewer(request, reply);
      return startConnect(deps, who, parse(idParams, request.params, 'params').id, request.user!.email);
    },
    syncProvider: async (request, reply) => {
      const who = await viewer(request, reply);
      const provider = await findProvider(app.db, who, parse(idParams, request.params, 'params').id);
      if (provider.status !== 'connected') throw new Conflict('This calendar is not connected. Connect it first.');
      await enqueueSync(app.jobs, app.db, who.tenantId, provider.id);
      return reply.code(202).send({ queued: true });
    },
    status: async (request, reply) => {
      const who = await viewer(request, reply);
      const [google, microsoft] = await Promise.all([googleApp(app.db, app.secrets, who.tenantId), deps.resolveMicrosoft(who.tenantId)]);
      return { googleAvailable: google !== null, microsoftAvailable: microsoft !== null, providers: (await listProviders(app.db, who, 'mine')).map(shown) };
    },
    getSettings: async (request, reply) => {
      const user = await admin(request, reply, 'system_settings.read');
      return getSettings(app.db, app.secrets, user.tenantId, app.coreOptions.publicUrl);
    },
    updateSettings: async (request, reply) => {
      const user = await admin(request, reply, 'system_settings.update');
      const input = parse(settingsInput, request.body);
      if (input.googleClientId === null && input.googleClientSecret !== undefined && input.googleClientSecret !== null) {
        throw BadRequest.field('googleClientId', 'is required with a client secret');
      }
      await app.db.transaction().execute((trx) => updateSettings(trx, app.secrets, user, input));
      return getSettings(app.db, app.secrets, user.tenantId, app.coreOptions.publicUrl);
    },
    // Whoever may read the schedule sees how its entries stand in the technicians' calendars.
    entrySync: async (request, reply) => {
      const who = await viewer(request, reply);
      const { from, to } = parse(entrySyncQuery, request.query, 'query');
      return { items: await listEntrySync(app.db, who.tenantId, { from: from!, to: to! }) };
    },
  };
}
