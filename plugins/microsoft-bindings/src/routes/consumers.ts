// The consumer matrix and binding actions. Only consumers of this edition are listed or writable.
// A change that needs the admin's confirmation answers 409 with `code` and a message saying what
// confirming does; the same request with `?confirm=true` goes ahead.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { confirmQuery } from '@switchboard/core';
import { bindingInput, bindingResult, consumerMatrix as consumerMatrixSchema, consumerName } from '../schemas.js';
import { clearBinding, consumerMatrix, consumerStatus, setBinding, type BindingDeps } from '../services/bindings.js';

const consumerParams = z.object({ consumer: consumerName });

export function consumerRoutes(deps: BindingDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const update = app.requirePermission('system_settings.update');

    r.get(
      '/api/microsoft/consumers',
      { preHandler: app.requirePermission('system_settings.read'), schema: { response: { 200: consumerMatrixSchema } } },
      async (req) => ({ edition: deps.edition.edition, consumers: await consumerMatrix(app.db, req.user!.tenantId, deps) }),
    );

    r.put(
      '/api/microsoft/consumers/:consumer/binding',
      { preHandler: update, schema: { params: consumerParams, querystring: confirmQuery, body: bindingInput, response: { 200: bindingResult } } },
      async (req) => {
        const { tenantId, userId } = req.user!;
        const outcome = await app.db.transaction().execute((trx) => setBinding(trx, { tenantId, userId }, req.params.consumer, req.body.profileId, deps, req.query));
        return { consumer: await consumerStatus(app.db, tenantId, req.params.consumer, deps), ...outcome };
      },
    );

    r.delete(
      '/api/microsoft/consumers/:consumer/binding',
      { preHandler: update, schema: { params: consumerParams, querystring: confirmQuery, response: { 200: bindingResult } } },
      async (req) => {
        const { tenantId, userId } = req.user!;
        const outcome = await app.db.transaction().execute((trx) => clearBinding(trx, { tenantId, userId }, req.params.consumer, deps, req.query));
        return { consumer: await consumerStatus(app.db, tenantId, req.params.consumer, deps), ...outcome };
      },
    );
  };
}
