// Users: internal staff read the list (assignee pickers); admins add users, change role, name and
// status, and issue reset links. The rules live in services/users.ts and password-reset.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestBody, storableText, text } from '../schemas/common.js';
import { addUser, changeUser, getUser, listUsers, type UserRecord } from '../services/users.js';
import { issuePasswordLink, passwordLinkUrl } from '../services/password-reset.js';
import { MIN_PASSWORD_LENGTH } from '../services/passwords.js';
import { ROLE_NAMES } from '../permissions.js';
import { Conflict } from '../errors.js';

const userResponse = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  userType: z.enum(['internal', 'client']),
  clientId: z.string().nullable(),
  isActive: z.boolean(),
  /** Role names; empty for client-portal users. */
  roles: z.array(z.string()),
  createdAt: z.string(),
});

/** A one-time link shown to the admin once: the token is in the URL and nowhere else. */
const passwordLink = z.object({ url: z.string(), expiresAt: z.string() });

const toUser = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  displayName: u.display_name,
  userType: u.user_type,
  clientId: u.client_id,
  isActive: u.is_active,
  roles: u.roles,
  createdAt: u.created_at.toISOString(),
});

const role = z.enum(ROLE_NAMES, { message: `must be one of ${ROLE_NAMES.join(', ')}` });

const newUser = requestBody({
  // Trim before checking, or a pasted ' jane@msp.com ' is refused as invalid.
  email: storableText().trim().pipe(z.email({ message: 'must be a valid email address' })),
  displayName: text(200),
  userType: z.enum(['internal', 'client']),
  role: role.optional(),
  password: storableText().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024).optional(),
  clientId: z.uuid({ message: 'must be a valid client id' }).nullish(),
});

const userChange = requestBody({ displayName: text(200).optional(), role: role.optional(), isActive: z.boolean().optional() });

export async function userRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const linkOf = (link: { token: string; expiresAt: Date }) => ({ url: passwordLinkUrl(app.coreOptions.publicUrl, link.token), expiresAt: link.expiresAt.toISOString() });

  // Internal users see the tenant's people (for assignees); managing them is a settings task.
  r.get('/api/users', { preHandler: app.requireInternal, schema: { response: { 200: z.object({ items: z.array(userResponse) }) } } }, async (req) => ({
    items: (await listUsers(app.db, req.user!.tenantId)).map(toUser),
  }));

  r.get('/api/users/:id', { preHandler: app.requireInternal, schema: { params: idParams, response: { 200: userResponse } } }, async (req) =>
    toUser(await getUser(app.db, req.user!.tenantId, req.params.id)),
  );

  r.post(
    '/api/users',
    {
      preHandler: app.requirePermission('system_settings.update'),
      schema: { body: newUser, response: { 201: userResponse.extend({ invitation: passwordLink.optional() }) } },
    },
    async (req, reply) => {
      const actor = { tenantId: req.user!.tenantId, actorUserId: req.user!.userId };
      const { user, invitation } = await app.db.transaction().execute((trx) => addUser(trx, actor, req.body));
      return reply.code(201).send({ ...toUser(user), ...(invitation ? { invitation: linkOf(invitation) } : {}) });
    },
  );

  r.patch(
    '/api/users/:id',
    { preHandler: app.requirePermission('system_settings.update'), schema: { params: idParams, body: userChange, response: { 200: userResponse } } },
    async (req) => {
      const actor = { tenantId: req.user!.tenantId, actorUserId: req.user!.userId };
      const user = await app.db.transaction().execute((trx) => changeUser(trx, actor, req.params.id, req.body));
      // A deactivation or role change: answer once every process's session cache has dropped the user.
      await app.sessionCache.sync();
      return toUser(user);
    },
  );

  r.post(
    '/api/users/:id/password-reset',
    { preHandler: app.requirePermission('system_settings.update'), schema: { params: idParams, response: { 201: passwordLink } } },
    async (req, reply) => {
      const { tenantId, userId } = req.user!;
      const link = await app.db.transaction().execute(async (trx) => {
        const user = await getUser(trx, tenantId, req.params.id);
        if (!user.is_active) throw new Conflict('This user is deactivated. Reactivate them first, then issue a reset link.', { code: 'user_inactive' });
        return issuePasswordLink(trx, { tenantId, userId: user.id, issuedBy: userId, purpose: 'reset' });
      });
      return reply.code(201).send(linkOf(link));
    },
  );
}
