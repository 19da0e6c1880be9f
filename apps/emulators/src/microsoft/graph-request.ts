// Who is calling a /me route: the bearer token's claims and the mailbox they open, refusing the
// request the way Graph does when the token is missing, expired, app-only or lacks the scope.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { graphError } from './errors.js';
import type { MailboxStore, Mailbox } from './graph-mailbox-store.js';
import type { AccessTokenClaims } from './tokens.js';

export function sendGraphError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send(graphError(status, { reason: code }, message));
}

/** Scope names without the resource prefix (`https://graph.microsoft.com/Calendars.Read`). */
export const scopeNames = (claims: AccessTokenClaims) => claims.scopes.map((s) => s.split('/').pop()?.toLowerCase() ?? '');

/** The verified claims, or null after answering 401 InvalidAuthenticationToken. */
export function authenticate(context: MicrosoftContext, request: FastifyRequest, reply: FastifyReply): AccessTokenClaims | null {
  const claims = context.tokens.verify(request.headers.authorization);
  if (claims) return claims;
  const message = request.headers.authorization ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.';
  sendGraphError(reply, 401, 'InvalidAuthenticationToken', message);
  return null;
}

/**
 * Calendars.Read for reads, Calendars.ReadWrite for writes (permissions tables of the event APIs,
 * e.g. https://learn.microsoft.com/graph/api/user-post-events#permissions).
 */
export function hasCalendarScope(claims: AccessTokenClaims, access: 'read' | 'write'): boolean {
  const scopes = scopeNames(claims);
  if (scopes.includes('calendars.readwrite')) return true;
  return access === 'read' && scopes.includes('calendars.read');
}

/** The signed-in user's mailbox for a /me route, or null after answering the error. */
export function meMailbox(
  context: MicrosoftContext,
  store: MailboxStore,
  request: FastifyRequest,
  reply: FastifyReply,
  access: 'read' | 'write',
): Mailbox | null {
  const claims = authenticate(context, request, reply);
  if (!claims) return null;
  if (!claims.userId) {
    // What Graph answers an app-only token on /me.
    sendGraphError(reply, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    return null;
  }
  if (!hasCalendarScope(claims, access)) {
    sendGraphError(reply, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    return null;
  }
  return store.get(claims.tenantId, claims.userId);
}

/** `Prefer: odata.maxpagesize=N`, bounded like Graph (1..1000). */
export function preferredPageSize(prefer: string | string[] | undefined, fallback: number): number {
  const header = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(header);
  return match ? Math.min(Math.max(Number(match[1]), 1), 1000) : fallback;
}
