// Microsoft profiles API: `system_settings.read` lists, `system_settings.update` writes.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { profileInput, profileListQuery, profilePatch, profileResponse } from '../schemas.js';
import { archiveProfile, createProfile, deleteProfile, getProfile, listProfiles, unarchiveProfile, updateProfile, type ProfileDeps } from '../services/profiles.js';

const idParams = z.object({ id: z.uuid({ message: 'must be the id of a Microsoft profile' }) });

export function profileRoutes(deps: ProfileDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const read = app.requirePermission('system_settings.read');
    const update = app.requirePermission('system_settings.update');
    const actorOf = (user: { tenantId: string; userId: string }) => ({ tenantId: user.tenantId, userId: user.userId });

    r.get('/api/microsoft/profiles', { preHandler: read, schema: { querystring: profileListQuery, response: { 200: z.object({ items: z.array(profileResponse) }) } } }, async (req) => ({
      items: await listProfiles(app.db, req.user!.tenantId, deps, req.query),
    }));

    r.get('/api/microsoft/profiles/:id', { preHandler: read, schema: { params: idParams, response: { 200: profileResponse } } }, async (req) =>
      getProfile(app.db, req.user!.tenantId, req.params.id, deps),
    );

    r.post('/api/microsoft/profiles', { preHandler: update, schema: { body: profileInput, response: { 201: profileResponse } } }, async (req, reply) => {
      const profile = await app.db.transaction().execute((trx) => createProfile(trx, actorOf(req.user!), req.body, deps));
      return reply.code(201).send(profile);
    });

    r.patch('/api/microsoft/profiles/:id', { preHandler: update, schema: { params: idParams, body: profilePatch, response: { 200: profileResponse } } }, async (req) =>
      app.db.transaction().execute((trx) => updateProfile(trx, actorOf(req.user!), req.params.id, req.body, deps)),
    );

    r.post('/api/microsoft/profiles/:id/archive', { preHandler: update, schema: { params: idParams, response: { 200: profileResponse } } }, async (req) =>
      app.db.transaction().execute((trx) => archiveProfile(trx, actorOf(req.user!), req.params.id, deps)),
    );

    r.post('/api/microsoft/profiles/:id/unarchive', { preHandler: update, schema: { params: idParams, response: { 200: profileResponse } } }, async (req) =>
      app.db.transaction().execute((trx) => unarchiveProfile(trx, actorOf(req.user!), req.params.id, deps)),
    );

    r.delete('/api/microsoft/profiles/:id', { preHandler: update, schema: { params: idParams, response: { 200: z.object({ success: z.literal(true) }) } } }, async (req) => {
      await app.db.transaction().execute((trx) => deleteProfile(trx, actorOf(req.user!), req.params.id, deps));
      return { success: true as const };
    });
  };
}
