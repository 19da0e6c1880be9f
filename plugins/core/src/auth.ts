// Request authentication and authorization hooks. Routes declare what they need with
// `preHandler: app.requireInternal` or `app.requirePermission('system_settings.update')`.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Forbidden, Unauthorized } from './errors.js';
import type { Permission } from './permissions.js';
import type { SessionCache } from './services/session-cache.js';
import { csrfMatches, findSessionById, sessionIdOf, touchSession, type SessionUser } from './services/sessions.js';
import type { Db } from './tenancy.js';

export const SESSION_COOKIE = 'sb_session';

/** Sets the session cookie; sent again whenever the sliding expiry moves, so browser and database agree. */
export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
}
export const CSRF_HEADER = 'x-csrf-token';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthHooks {
  /** The signed-in user, or null; loads the session at most once per request. */
  currentUser(request: FastifyRequest): Promise<SessionUser | null>;
  requireUser: preHandlerAsyncHookHandler;
  requireInternal: preHandlerAsyncHookHandler;
  requirePermission(permission: Permission): preHandlerAsyncHookHandler;
}

interface Loaded {
  user: SessionUser | null;
  expired: boolean;
  /** Set when this request extended the session: the cookie must follow. */
  renewed?: { token: string; expiresAt: Date };
}

const loaded = new WeakMap<FastifyRequest, Promise<Loaded>>();

export function createAuthHooks(db: Db, sessionTtlMs: number, cookieSecure: boolean, cache?: SessionCache): AuthHooks {
  /**
   * The session from this process's cache (session-cache.ts says why that is safe) or the database.
   * `epoch` is the cache's epoch before this lookup: what it returns is stored only if no
   * invalidation came in since.
   */
  const lookUp = async (sessionId: string, epoch: number): Promise<Loaded> => {
    const cached = cache?.get(sessionId);
    if (cached && cached.expiresAt.getTime() > Date.now()) return { user: cached, expired: false };
    const found = await findSessionById(db, sessionId);
    if (found.status !== 'valid') return { user: null, expired: found.status === 'expired' };
    cache?.set(sessionId, found.user, epoch);
    return { user: found.user, expired: false };
  };

  const load = (request: FastifyRequest) => {
    let pending = loaded.get(request);
    if (!pending) {
      pending = (async (): Promise<Loaded> => {
        const raw = request.cookies[SESSION_COOKIE];
        if (!raw) return { user: null, expired: false };
        const unsigned = request.unsignCookie(raw);
        if (!unsigned.valid || !unsigned.value) return { user: null, expired: false };
        const sessionId = sessionIdOf(unsigned.value);
        const epoch = cache?.epoch() ?? 0;
        const found = await lookUp(sessionId, epoch);
        if (!found.user || Date.now() - found.user.lastSeenAt.getTime() < 60_000) return found;
        const expiresAt = await touchSession(db, sessionId, sessionTtlMs);
        cache?.set(sessionId, { ...found.user, lastSeenAt: new Date(), expiresAt }, epoch);
        return { user: found.user, expired: false, renewed: { token: unsigned.value, expiresAt } };
      })();
      loaded.set(request, pending);
    }
    return pending;
  };

  const requireUser = async (request: FastifyRequest, reply: FastifyReply) => {
    const { user, expired, renewed } = await load(request);
    if (!user) throw new Unauthorized(expired ? 'Your session has expired. Please sign in again.' : 'Please sign in.');
    if (renewed) setSessionCookie(reply, renewed.token, renewed.expiresAt, cookieSecure);
    if (MUTATING.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (!csrfMatches(user.csrfToken, typeof header === 'string' ? header : undefined)) {
        throw new Forbidden('Missing or invalid CSRF token. Reload the page and try again.');
      }
    }
    request.user = user;
  };

  const requireInternal = async (request: FastifyRequest, reply: FastifyReply) => {
    await requireUser(request, reply);
    if (request.user!.userType !== 'internal') throw new Forbidden('This area is only available to MSP staff.');
  };

  return {
    currentUser: async (request) => (await load(request)).user,
    requireUser,
    requireInternal,
    requirePermission: (permission) => async (request, reply) => {
      await requireInternal(request, reply);
      if (!request.user!.permissions.includes(permission)) {
        throw new Forbidden(`You need the ${permission} permission to do this.`);
      }
    },
  };
}
