// The EE handlers behind core's stable /api/integrations/entra URLs: parse, authorize (MSP staff with
// system_settings.update; client-portal users get 403), check the feature flags (off → 404, read on
// every request), call a service, shape the reply.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { forTenant, isFeatureEnabled, NotFound, type EntraHandler, type FeatureFlagKey, type SessionUser, type SurfaceHandler } from '@switchboard/core';
import { completeDirectConnect, ConnectRefused, connectCipp, describeConnection, directoryFor, disconnect, startDirectConnect } from '../services/connection.js';
import { testActiveConnection, testCippSettings } from '../services/connection-check.js';
import { confirmMappings, listManagedTenants, saveDiscovery } from '../services/managed-tenants.js';
import { previewMappings } from '../services/mapping-preview.js';
import { getRun, listRuns, startRun } from '../services/sync-runs.js';
import { listAmbiguous, resolveAmbiguous } from '../services/ambiguous.js';
import { getSettings, updateSettings } from '../services/settings.js';
import type { WorkerDeps } from '../services/sync-worker.js';
import * as s from './schemas.js';

type Handler = (request: FastifyRequest, user: SessionUser, reply: FastifyReply) => Promise<unknown>;

const SETTINGS_PAGE = '/settings?category=entra';

export function entraHandlers(app: FastifyInstance, deps: WorkerDeps): Record<EntraHandler, SurfaceHandler> {
  const requireEditor = app.requirePermission('system_settings.update');
  const enabled = (user: SessionUser, flag: FeatureFlagKey) => isFeatureEnabled(app.db, user.tenantId, flag);

  /** Signed-in editor, then every flag in `flags` on; a flag that is off hides the URL (404). */
  const guarded =
    (flags: FeatureFlagKey[], handler: Handler): SurfaceHandler =>
    async (request, reply) => {
      await requireEditor.call(app, request, reply);
      const user = request.user!;
      for (const flag of flags) if (!(await enabled(user, flag))) return reply.callNotFound();
      return handler(request, user, reply);
    };
  const ui = (handler: Handler) => guarded(['entra-integration-ui'], handler);
  const actor = (user: SessionUser) => ({ tenantId: user.tenantId, userId: user.userId });

  return {
    getConnection: ui(async (_request, user) => ({
      connection: await describeConnection(app.db, user.tenantId),
      cippAvailable: await enabled(user, 'entra-integration-cipp'),
      callbackUrl: `${deps.publicUrl}/api/integrations/entra/callback`,
    })),

    connect: ui(async (request, user, reply) => {
      const body = s.parse(s.connectBody, request.body);
      if (body.kind === 'direct') return startDirectConnect(deps, actor(user), body.profileId);
      if (!(await enabled(user, 'entra-integration-cipp'))) return reply.callNotFound();
      return reply.code(201).send({ connection: await connectCipp(deps, actor(user), body) });
    }),

    disconnect: ui(async (_request, user, reply) => {
      await disconnect(deps, actor(user));
      return reply.code(204).send();
    }),

    // Empty body: the active connection. CIPP settings: tested as given, nothing saved.
    testConnection: ui(async (request, user, reply) => {
      const body = request.body;
      if (body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0)) return testActiveConnection(deps, user.tenantId);
      if (!(await enabled(user, 'entra-integration-cipp'))) return reply.callNotFound();
      return testCippSettings(deps, s.parse(s.testConnectionBody, body));
    }),

    // The browser comes back here from Microsoft; every outcome lands on the Entra settings page.
    directCallback: async (request, reply) => {
      const back = (outcome: string) => reply.redirect(`${SETTINGS_PAGE}&${outcome}`);
      const user = await app.currentUser(request);
      if (!user || user.userType !== 'internal' || !user.permissions.includes('system_settings.update')) return back('entraError=not_allowed');
      if (!(await enabled(user, 'entra-integration-ui'))) return reply.callNotFound();
      const query = s.callbackQuery.safeParse(request.query);
      try {
        await completeDirectConnect(deps, actor(user), query.success ? query.data : {});
        return back('entra=connected');
      } catch (err) {
        if (err instanceof ConnectRefused) return back(`entraError=${err.reason}`);
        throw err;
      }
    },

    discover: ui(async (_request, user) => {
      const directory = await directoryFor(deps, user.tenantId);
      const found = await directory.discoverTenants();
      const summary = await saveDiscovery(app.db, actor(user), found);
      return { ...summary, tenants: await listManagedTenants(app.db, user.tenantId) };
    }),

    listManagedTenants: ui(async (_request, user) => ({ items: await listManagedTenants(app.db, user.tenantId) })),

    previewMappings: ui(async (_request, user) => ({ items: await previewMappings(app.db, user.tenantId) })),

    listMappings: ui(async (_request, user) => ({ items: (await listManagedTenants(app.db, user.tenantId)).filter((t) => t.mapping !== 'unmapped') })),

    confirmMappings: ui(async (request, user) => {
      const body = s.parse(s.mappingsBody, request.body);
      return confirmMappings(app.db, actor(user), body.mappings);
    }),

    startSync: ui(async (request, user, reply) => {
      const body = s.parse(s.syncBody, request.body);
      const result = await startRun(app.db, deps.jobs, user.tenantId, { scope: body.scope, idempotencyKey: body.idempotencyKey, trigger: 'manual', userId: user.userId });
      return reply.code(result.alreadyStarted ? 200 : 202).send(result);
    }),

    listRuns: ui(async (request, user) => {
      const query = s.parse(s.runsQuery, request.query, 'query');
      return { items: await listRuns(app.db, user.tenantId, query) };
    }),

    getRun: ui(async (request, user) => getRun(app.db, user.tenantId, s.parse(s.idParams, request.params, 'params').id)),

    listAmbiguous: guarded(['entra-integration-ui', 'entra-integration-ambiguous-queue'], async (request, user) => {
      const query = s.parse(s.ambiguousQuery, request.query, 'query');
      return { items: await listAmbiguous(app.db, user.tenantId, query.status) };
    }),

    resolveAmbiguous: guarded(['entra-integration-ui', 'entra-integration-ambiguous-queue'], async (request, user) => {
      const { id } = s.parse(s.idParams, request.params, 'params');
      return resolveAmbiguous(app.db, actor(user), id, s.parse(s.resolveBody, request.body));
    }),

    getSettings: ui(async (_request, user) => {
      const settings = await getSettings(app.db, user.tenantId);
      const fieldSync = await enabled(user, 'entra-integration-field-sync');
      // Without the field-sync flag the toggles are neither shown nor applied.
      return { schedule: settings.schedule, lastScheduledAt: settings.lastScheduledAt, fieldSyncAvailable: fieldSync, ...(fieldSync ? { overwrite: settings.overwrite } : {}) };
    }),

    updateSettings: ui(async (request, user, reply) => {
      const body = s.parse(s.settingsBody, request.body);
      if (body.overwrite && !(await enabled(user, 'entra-integration-field-sync'))) return reply.callNotFound();
      const saved = await updateSettings(app.db, actor(user), body);
      const fieldSync = await enabled(user, 'entra-integration-field-sync');
      return { schedule: saved.schedule, lastScheduledAt: saved.lastScheduledAt, fieldSyncAvailable: fieldSync, ...(fieldSync ? { overwrite: saved.overwrite } : {}) };
    }),

    syncClient: guarded(['entra-integration-client-sync-action'], async (request, user, reply) => {
      const { clientId } = s.parse(s.clientParams, request.params, 'params');
      const client = await forTenant(app.db, user.tenantId).selectFrom('clients').select('id').where('id', '=', clientId).executeTakeFirst();
      if (!client) throw new NotFound('Client');
      const body = s.parse(s.clientSyncBody, request.body);
      const result = await startRun(app.db, deps.jobs, user.tenantId, { scope: 'client', clientId, idempotencyKey: body.idempotencyKey, trigger: 'client_action', userId: user.userId });
      return reply.code(result.alreadyStarted ? 200 : 202).send(result);
    }),

    notFound: async (_request, reply) => reply.callNotFound(),
  };
}
