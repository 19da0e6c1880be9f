import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../schemas/common.js';
import { clientInput, clientList, clientListQuery, clientPatch, clientResponse } from '../schemas/clients.js';
import { createClient, deleteClient, getClient, listClients, updateClient } from '../services/clients.js';
import { recordAudit } from '../services/audit.js';

export async function clientRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preHandler = app.requireInternal;

  r.get('/api/clients', { preHandler, schema: { querystring: clientListQuery, response: { 200: clientList } } }, async (req) =>
    listClients(app.db, req.user!.tenantId, req.query),
  );

  r.get('/api/clients/:id', { preHandler, schema: { params: idParams, response: { 200: clientResponse } } }, async (req) =>
    getClient(app.db, req.user!.tenantId, req.params.id),
  );

  r.post('/api/clients', { preHandler, schema: { body: clientInput, response: { 201: clientResponse } } }, async (req, reply) => {
    const { tenantId, userId } = req.user!;
    const client = await app.db.transaction().execute(async (trx) => {
      const created = await createClient(trx, tenantId, req.body);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'client.created', targetType: 'client', targetId: created.id });
      return created;
    });
    return reply.code(201).send(client);
  });

  r.patch('/api/clients/:id', { preHandler, schema: { params: idParams, body: clientPatch, response: { 200: clientResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    return app.db.transaction().execute(async (trx) => {
      const updated = await updateClient(trx, tenantId, req.params.id, req.body);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'client.updated', targetType: 'client', targetId: updated.id, details: { fields: Object.keys(req.body) } });
      return updated;
    });
  });

  r.delete('/api/clients/:id', { preHandler, schema: { params: idParams, response: { 200: okResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    await app.db.transaction().execute(async (trx) => {
      await deleteClient(trx, tenantId, req.params.id);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'client.deleted', targetType: 'client', targetId: req.params.id });
    });
    return { success: true as const };
  });
}
