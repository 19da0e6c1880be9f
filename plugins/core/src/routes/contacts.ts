import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../schemas/common.js';
import { contactInput, contactList, contactListQuery, contactPatch, contactResponse } from '../schemas/contacts.js';
import { createContact, deleteContact, getContact, listContacts, refuseUnconfirmedDuplicateContact, updateContact } from '../services/contacts.js';
import { confirmQuery } from '../schemas/confirm.js';
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

  // An email another contact already uses answers 409 possible_duplicate; ?confirm=true saves anyway.
  r.post('/api/contacts', { preHandler, schema: { querystring: confirmQuery, body: contactInput, response: { 201: contactResponse } } }, async (req, reply) => {
    const { tenantId, userId } = req.user!;
    const contact = await app.db.transaction().execute(async (trx) => {
      const duplicateOf = await refuseUnconfirmedDuplicateContact(trx, tenantId, req.body, { confirmed: req.query.confirm });
      const created = await createContact(trx, tenantId, req.body);
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'contact.created', targetType: 'contact', targetId: created.id, details: duplicateOf.length ? { duplicateOf } : {} });
      return created;
    });
    return reply.code(201).send(contact);
  });

  const patchSchema = { params: idParams, querystring: confirmQuery, body: contactPatch, response: { 200: contactResponse } };
  r.patch('/api/contacts/:id', { preHandler, schema: patchSchema }, async (req) => {
    const { tenantId, userId } = req.user!;
    return app.db.transaction().execute(async (trx) => {
      const current = await getContact(trx, tenantId, req.params.id);
      const duplicateOf = await refuseUnconfirmedDuplicateContact(trx, tenantId, req.body, { confirmed: req.query.confirm, current });
      const updated = await updateContact(trx, tenantId, req.params.id, req.body);
      const details = { fields: Object.keys(req.body), ...(duplicateOf.length ? { duplicateOf } : {}) };
      await recordAudit(trx, { tenantId, actorUserId: userId, action: 'contact.updated', targetType: 'contact', targetId: updated.id, details });
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
