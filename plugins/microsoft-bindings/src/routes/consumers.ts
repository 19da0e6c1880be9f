// The consumer matrix and binding actions. Only consumers of this edition are listed or writable.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
      { preHandler: update, schema: { params: consumerParams, body: bindingInput, response: { 200: bindingResult } } },
      async (req) => {
        const { tenantId, userId } = req.user!;
        const warnings = await app.db.transaction().execute((trx) => setBinding(trx, { tenantId, userId }, req.params.consumer, req.body.profileId, deps));
        return { consumer: await consumerStatus(app.db, tenantId, req.params.consumer, deps), warnings };
      },
    );

    r.delete(
      '/api/microsoft/consumers/:consumer/binding',
      { preHandler: update, schema: { params: consumerParams, response: { 200: bindingResult } } },
      async (req) => {
        const { tenantId, userId } = req.user!;
        const warnings = await app.db.transaction().execute((trx) => clearBinding(trx, { tenantId, userId }, req.params.consumer, deps));
        return { consumer: await consumerStatus(app.db, tenantId, req.params.consumer, deps), warnings };
      },
    );
  };
}
