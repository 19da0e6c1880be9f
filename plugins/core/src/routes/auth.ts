import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, setSessionCookie } from '../auth.js';
import { AppError, Unauthorized } from '../errors.js';
import { recordAudit } from '../services/audit.js';
import { LoginRefused, verifyLogin } from '../services/login.js';
import { MIN_PASSWORD_LENGTH, verifyPassword } from '../services/passwords.js';
import { redeemPasswordLink } from '../services/password-reset.js';
import { changeOwnPassword } from '../services/users.js';
import { createSession, deleteSession, findSession, type SessionUser } from '../services/sessions.js';
import { okResponse, requestBody, storableText } from '../schemas/common.js';

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

/**
 * Sign-in attempts per client address across all accounts, on top of the per-account limit, so one
 * address cannot try account after account. Checked before the body is read. `request.ip` is the
 * client's address only with TRUST_PROXY behind a proxy; otherwise everyone shares the proxy's.
 */
function limitAttemptsPerAddress(app: FastifyInstance) {
  const limit = app.createRateLimit({ max: app.coreOptions.loginRateLimitPerIpPerMinute, timeWindow: '1 minute' });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await limit(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', result.ttlInSeconds);
    throw new AppError(429, `Too many sign-in attempts from your network. Try again in ${result.ttlInSeconds} seconds.`);
  };
}

/** A per-minute budget of password attempts (change, reset) under `key`, as strict as sign-in's. */
function limitPasswordAttempts(app: FastifyInstance, key: (request: FastifyRequest) => string) {
  const limit = app.createRateLimit({ max: app.coreOptions.loginRateLimitPerMinute, timeWindow: '1 minute', keyGenerator: key });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await limit(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', result.ttlInSeconds);
    throw new AppError(429, `Too many password attempts. Try again in ${result.ttlInSeconds} seconds.`);
  };
}

const newPassword = storableText().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);

export async function authRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Refused attempts on real accounts, audited once the reply is out (see LoginRefused).
  const refusedAccounts = new WeakMap<FastifyRequest, { tenantId: string; userId: string }>();

  r.post(
    '/api/auth/login',
    {
      schema: {
        // A NUL in the password is refused here, before any account is looked up, so it tells nothing.
        body: requestBody({ email: storableText().trim().min(1, 'is required').max(320), password: storableText().min(1, 'is required').max(1024) }),
        response: { 200: sessionResponse },
      },
      onRequest: limitAttemptsPerAddress(app),
      onResponse: async (request) => {
        const account = refusedAccounts.get(request);
        if (!account) return;
        await recordAudit(app.db, { ...account, actorUserId: account.userId, action: 'auth.login_failed', targetType: 'user', targetId: account.userId }).catch((err) =>
          request.log.error({ err }, 'could not audit a failed sign-in'),
        );
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
      const { userId, tenantId } = await verifyLogin({ db: app.db, verifyPassword, signInPolicy: app.signInPolicy }, request.body.email, request.body.password).catch((err) => {
        if (err instanceof LoginRefused && err.account) refusedAccounts.set(request, err.account);
        throw err;
      });
      const session = await app.signInUser(reply, { tenantId, userId, method: 'password' });
      return { user: toSessionUser(session.user), csrfToken: session.csrfToken };
    },
  );

  r.post('/api/auth/logout', { preHandler: app.requireUser, schema: { response: { 200: okResponse } } }, async (request, reply) => {
    const user = request.user!;
    await deleteSession(app.db, user.sessionId);
    await recordAudit(app.db, { tenantId: user.tenantId, actorUserId: user.userId, action: 'auth.logout', targetType: 'user', targetId: user.userId });
    // Answer once every process's session cache has dropped it (session-cache.ts, sync).
    await app.sessionCache.sync();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { success: true as const };
  });

  r.post(
    '/api/auth/password',
    {
      preHandler: [app.requireUser, limitPasswordAttempts(app, (req) => `password-change|${req.user?.userId}`)],
      schema: { body: requestBody({ currentPassword: storableText().min(1, 'is required').max(1024), newPassword }), response: { 200: okResponse } },
    },
    async (request) => {
      const { tenantId, userId, sessionId } = request.user!;
      await changeOwnPassword(app.db, { tenantId, userId, sessionId }, request.body);
      await app.sessionCache.sync();
      return { success: true as const };
    },
  );

  // Public: the token is the credential. Limited per address, before the body is read.
  r.post(
    '/api/auth/password-reset',
    {
      onRequest: limitPasswordAttempts(app, (req) => `password-reset|${req.ip}`),
      schema: { body: requestBody({ token: storableText().min(1, 'is required').max(200), password: newPassword }), response: { 200: okResponse } },
    },
    async (request) => {
      await redeemPasswordLink(app.db, request.body.token, request.body.password);
      await app.sessionCache.sync();
      return { success: true as const };
    },
  );

  r.get('/api/auth/session', { preHandler: app.requireUser, schema: { response: { 200: sessionResponse } } }, async (request) => ({
    user: toSessionUser(request.user!),
    csrfToken: request.user!.csrfToken,
  }));
}
