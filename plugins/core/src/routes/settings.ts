// Admin APIs for tenant settings that core owns: feature flags and the audit log.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listFeatureFlags, setTenantFeatureFlag } from '../services/feature-flags.js';
import { listAudit, recordAudit } from '../services/audit.js';
import { requestBody } from '../schemas/common.js';

/** Audit ids are bigserial: a larger number would be an out-of-range error in PostgreSQL, not a 400. */
const INT8_MAX = 9223372036854775807n;
const auditId = z.string().refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= INT8_MAX, 'must be an audit entry id');

const flagResponse = z.object({
  key: z.string(),
  title: z.string(),
  description: z.string(),
  /** The edition the flag does anything in. */
  edition: z.enum(['ce', 'ee']),
  /** Flags that must also be on for this one to show anything. */
  dependsOn: z.array(z.string()),
  enabled: z.boolean(),
  defaultEnabled: z.boolean(),
  tenantOverride: z.boolean().nullable(),
});

export async function settingsRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/feature-flags',
    { preHandler: app.requirePermission('system_settings.read'), schema: { response: { 200: z.object({ items: z.array(flagResponse) }) } } },
    async (req) => ({ items: await listFeatureFlags(app.db, req.user!.tenantId) }),
  );

  r.put(
    '/api/feature-flags/:key',
    {
      preHandler: app.requirePermission('system_settings.update'),
      schema: {
        params: z.object({ key: z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be a feature flag key') }),
        body: requestBody({ enabled: z.boolean().nullable() }),
        response: { 200: flagResponse },
      },
    },
    async (req) => {
      const { tenantId, userId } = req.user!;
      const { key } = req.params;
      return app.db.transaction().execute(async (trx) => {
        await setTenantFeatureFlag(trx, tenantId, key, req.body.enabled);
        const flag = (await listFeatureFlags(trx, tenantId)).find((f) => f.key === key)!;
        // `enabled: null` means "follow the default", so the audit also says what that turned out to be.
        await recordAudit(trx, { tenantId, actorUserId: userId, action: 'feature_flag.set', targetType: 'feature_flag', targetId: key, details: { enabled: req.body.enabled, effective: flag.enabled } });
        return flag;
      });
    },
  );

  r.get(
    '/api/audit-log',
    {
      preHandler: app.requirePermission('system_settings.read'),
      schema: {
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: auditId.optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                actorUserId: z.string().nullable(),
                action: z.string(),
                targetType: z.string(),
                targetId: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const rows = await listAudit(app.db, req.user!.tenantId, { limit: req.query.limit, beforeId: req.query.before });
      return {
        items: rows.map((a) => ({
          id: a.id,
          actorUserId: a.actor_user_id,
          action: a.action,
          targetType: a.target_type,
          targetId: a.target_id,
          details: a.details,
          createdAt: a.created_at.toISOString(),
        })),
      };
    },
  );
}
