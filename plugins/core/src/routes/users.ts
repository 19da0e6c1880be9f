import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestBody, storableText, text } from '../schemas/common.js';
import { createUser, getUser, listUsers } from '../services/users.js';
import { recordAudit } from '../services/audit.js';
import { MIN_PASSWORD_LENGTH } from '../services/passwords.js';

const userResponse = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  userType: z.enum(['internal', 'client']),
  clientId: z.string().nullable(),
  isActive: z.boolean(),
  createdAt: z.string(),
});

const toUser = (u: Awaited<ReturnType<typeof getUser>>) => ({
  id: u.id,
  email: u.email,
  displayName: u.display_name,
  userType: u.user_type,
  clientId: u.client_id,
  isActive: u.is_active,
  createdAt: u.created_at.toISOString(),
});

const newUser = requestBody({
  // Trim before checking, or a pasted ' jane@msp.com ' is refused as invalid.
  email: storableText().trim().pipe(z.email({ message: 'must be a valid email address' })),
  displayName: text(200),
  userType: z.enum(['internal', 'client']),
  password: storableText().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024).optional(),
  clientId: z.uuid({ message: 'must be a valid client id' }).nullish(),
  roles: z.array(text(100)).max(20, 'at most 20 roles').default([]),
});

export async function userRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Internal users see the tenant's people (for assignees); managing them is a settings task.
  r.get('/api/users', { preHandler: app.requireInternal, schema: { response: { 200: z.object({ items: z.array(userResponse) }) } } }, async (req) => ({
    items: (await listUsers(app.db, req.user!.tenantId)).map(toUser),
  }));

  r.get('/api/users/:id', { preHandler: app.requireInternal, schema: { params: idParams, response: { 200: userResponse } } }, async (req) =>
    toUser(await getUser(app.db, req.user!.tenantId, req.params.id)),
  );

  r.post(
    '/api/users',
    { preHandler: app.requirePermission('system_settings.update'), schema: { body: newUser, response: { 201: userResponse } } },
    async (req, reply) => {
      const { tenantId, userId } = req.user!;
      const user = await app.db.transaction().execute(async (trx) => {
        const created = await createUser(trx, tenantId, { ...req.body, roleNames: req.body.roles });
        await recordAudit(trx, { tenantId, actorUserId: userId, action: 'user.created', targetType: 'user', targetId: created.id, details: { userType: created.user_type, roles: req.body.roles } });
        return created;
      });
      return reply.code(201).send(toUser(user));
    },
  );
}
