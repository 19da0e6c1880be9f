import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../schemas/common.js';
import { contactInput, contactList, contactListQuery, contactPatch, contactResponse } from '../schemas/contacts.js';
import { createContact, deleteContact, getContact, listContacts, updateContact } from '../services/contacts.js';
import { recordAudit } from '../services/audit.js';

export async function contactRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preHandler = app.requireInternal;

  r.get('/api/contacts', { preHandler, schema: { querystring: contactListQuery, response: { 200: contactList } } }, async (req) =>
    listContacts(app.db, req.user!.tenantId, req.query),
  );

  r.get('/api/contacts/:id', { preHandler, schema: { params: idParams, response: { 200: contactResponse } } }, async (req) =>
    getContact(app.db, req.user!.tenantId, req.params.id),
  );

  r.post('/api/contacts', { preHandler, schema: { body: contactInput, response: { 201: contactResponse } } }, async (req, reply) => {
    const { tenantId, userId } = req.user!;
    const contact = await app.db.transaction().execute(async (trx) => {
      const created = await createContact(trx, tenantId, req.body);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'contact.created', targetType: 'contact', targetId: created.id });
      return created;
    });
    return reply.code(201).send(contact);
  });

  r.patch('/api/contacts/:id', { preHandler, schema: { params: idParams, body: contactPatch, response: { 200: contactResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    return app.db.transaction().execute(async (trx) => {
      const updated = await updateContact(trx, tenantId, req.params.id, req.body);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'contact.updated', targetType: 'contact', targetId: updated.id, details: { fields: Object.keys(req.body) } });
      return updated;
    });
  });

  r.delete('/api/contacts/:id', { preHandler, schema: { params: idParams, response: { 200: okResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    await app.db.transaction().execute(async (trx) => {
      await deleteContact(trx, tenantId, req.params.id);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'contact.deleted', targetType: 'contact', targetId: req.params.id });
    });
    return { success: true as const };
  });
}
