import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../schemas/common.js';
import { clientInput, clientList, clientListQuery, clientPatch, clientResponse } from '../schemas/clients.js';
import { confirmQuery } from '../schemas/confirm.js';
import { createClient, deleteClient, getClient, listClients, refuseUnconfirmedDuplicateClient, updateClient } from '../services/clients.js';
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

  // A name or domain like an existing client's answers 409 possible_duplicate; ?confirm=true saves anyway.
  r.post('/api/clients', { preHandler, schema: { querystring: confirmQuery, body: clientInput, response: { 201: clientResponse } } }, async (req, reply) => {
    const { tenantId, userId } = req.user!;
    const client = await app.db.transaction().execute(async (trx) => {
      const duplicateOf = await refuseUnconfirmedDuplicateClient(trx, tenantId, req.body, { confirmed: req.query.confirm });
      const created = await createClient(trx, tenantId, req.body);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'client.created', targetType: 'client', targetId: created.id, details: duplicateOf.length ? { duplicateOf } : {} });
      return created;
    });
    return reply.code(201).send(client);
  });

  const patchSchema = { params: idParams, querystring: confirmQuery, body: clientPatch, response: { 200: clientResponse } };
  r.patch('/api/clients/:id', { preHandler, schema: patchSchema }, async (req) => {
    const { tenantId, userId } = req.user!;
    return app.db.transaction().execute(async (trx) => {
      const current = await getClient(trx, tenantId, req.params.id);
      const duplicateOf = await refuseUnconfirmedDuplicateClient(trx, tenantId, req.body, { confirmed: req.query.confirm, current });
      const updated = await updateClient(trx, tenantId, req.params.id, req.body);
      const details = { fields: Object.keys(req.body), ...(duplicateOf.length ? { duplicateOf } : {}) };
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'client.updated', targetType: 'client', targetId: updated.id, details });
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
