import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, setSessionCookie } from '../auth.js';
import { Unauthorized } from '../errors.js';
import { recordAudit } from '../services/audit.js';
import { verifyLogin } from '../services/login.js';
import { createSession, deleteSession, findSession, type SessionUser } from '../services/sessions.js';
import { okResponse } from '../schemas/common.js';

export const sessionUserResponse = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  displayName: z.string(),
  userType: z.enum(['internal', 'client']),
  clientId: z.string().nullable(),
  permissions: z.array(z.string()),
});

const sessionResponse = z.object({ user: sessionUserResponse, csrfToken: z.string() });

const toSessionUser = (u: SessionUser) => ({
  id: u.userId,
  tenantId: u.tenantId,
  email: u.email,
  displayName: u.displayName,
  userType: u.userType,
  clientId: u.clientId,
  permissions: u.permissions,
});

/**
 * Creates a session for an authenticated user, sets the cookie and audits the sign-in. Shared by
 * password sign-in and Microsoft (MSP SSO) sign-in, exposed as `app.signInUser`.
 */
export function createSignIn(app: FastifyInstance) {
  return async (reply: FastifyReply, who: { tenantId: string; userId: string; method: 'password' | 'microsoft' }) => {
    const session = await createSession(app.db, who.tenantId, who.userId, app.coreOptions.sessionTtlMs);
    await recordAudit(app.db, { tenantId: who.tenantId, actorUserId: who.userId, action: 'auth.login', targetType: 'user', targetId: who.userId, details: { method: who.method } });
    const found = await findSession(app.db, session.token);
    if (found.status !== 'valid') throw new Unauthorized();
    setSessionCookie(reply, session.token, session.expiresAt, app.coreOptions.cookieSecure);
    return { user: found.user, csrfToken: session.csrfToken };
  };
}

export async function authRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/auth/login',
    {
      schema: {
        body: z.object({ email: z.string().trim().min(1, 'is required').max(320), password: z.string().min(1, 'is required').max(1024) }),
        response: { 200: sessionResponse },
      },
      config: {
        rateLimit: {
          max: app.coreOptions.loginRateLimitPerMinute,
          timeWindow: '1 minute',
          hook: 'preHandler',
          // Per address and account, so one noisy office does not lock out everyone else.
          keyGenerator: (req) => `${req.ip}|${String((req.body as { email?: unknown })?.email ?? '').toLowerCase()}`,
          errorResponseBuilder: (_req, ctx) => ({
            statusCode: 429,
            error: 'Too Many Requests',
            message: `Too many sign-in attempts. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { userId, tenantId } = await verifyLogin(app.db, request.body.email, request.body.password);
      const session = await app.signInUser(reply, { tenantId, userId, method: 'password' });
      return { user: toSessionUser(session.user), csrfToken: session.csrfToken };
    },
  );

  r.post('/api/auth/logout', { preHandler: app.requireUser, schema: { response: { 200: okResponse } } }, async (request, reply) => {
    const user = request.user!;
    await deleteSession(app.db, user.sessionId);
    await recordAudit(app.db, { tenantId: user.tenantId, actorUserId: user.userId, action: 'auth.logout', targetType: 'user', targetId: user.userId });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { success: true as const };
  });

  r.get('/api/auth/session', { preHandler: app.requireUser, schema: { response: { 200: sessionResponse } } }, async (request) => ({
    user: toSessionUser(request.user!),
    csrfToken: request.user!.csrfToken,
  }));
}
