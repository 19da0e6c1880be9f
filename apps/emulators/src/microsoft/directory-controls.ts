// `/_emulator/directory/*`: seed partner data and change users over HTTP, for the demo and for tests
// that drive the emulator from another process.
import type { FastifyInstance } from 'fastify';
import type { DirectoryPart } from './directory.js';
import type { DirectoryUser } from './directory-store.js';
import type { SeedPartnerOptions } from './directory-seed.js';

export function registerDirectoryControls(app: FastifyInstance, part: DirectoryPart): void {
  const prefix = '/_emulator/directory';
  app.post<{ Body: SeedPartnerOptions }>(`${prefix}/seed-partner`, async (request) => {
    const seeded = part.seedPartner(request.body ?? {});
    return {
      partnerTenantId: seeded.partner.id,
      partnerDomain: seeded.partner.domains[0].id,
      admin: { id: seeded.admin.id, userPrincipalName: seeded.admin.userPrincipalName },
      app: { clientId: seeded.app.clientId, clientSecret: seeded.app.clientSecrets[0], redirectUris: seeded.app.redirectUris },
      customers: seeded.customers.map((c) => ({ id: c.id, displayName: c.displayName, domains: c.domains, users: part.store.users(c.id).length })),
    };
  });
  app.patch<{ Params: { id: string }; Body: Partial<DirectoryUser> }>(`${prefix}/users/:id`, async (request, reply) => {
    if (!part.store.user(request.params.id)) return reply.code(404).send({ error: 'Unknown user' });
    const { id: _id, tenantId: _tenant, changeSeq: _seq, ...changes } = request.body ?? {};
    return part.updateUser(request.params.id, changes);
  });
  app.post<{ Params: { id: string } }>(`${prefix}/users/:id/disable`, async (request, reply) => {
    if (!part.store.user(request.params.id)) return reply.code(404).send({ error: 'Unknown user' });
    return part.disableUser(request.params.id);
  });
  app.delete<{ Params: { id: string }; Querystring: { permanent?: string } }>(`${prefix}/users/:id`, async (request, reply) => {
    const permanent = request.query.permanent === 'true';
    // A soft-deleted user can still be deleted permanently.
    if (!part.store.user(request.params.id) && !(permanent && part.store.deletedUser(request.params.id))) return reply.code(404).send({ error: 'Unknown user' });
    part.deleteUser(request.params.id, permanent);
    return { ok: true };
  });
  app.get(`${prefix}/throttling`, async () => ({ throttled: part.throttled, retriedEarly: part.retriedEarly }));
  // `{enabled?, quota?}`: identity throttling on or off, and a quota (units per 10 s) for every app + tenant pair.
  app.post<{ Body: { enabled?: boolean; quota?: number | null } }>(`${prefix}/throttling`, async (request, reply) => {
    const { enabled, quota } = request.body ?? {};
    if (quota !== undefined && quota !== null && !(Number.isInteger(quota) && quota > 0)) return reply.code(400).send({ error: '`quota` must be a positive whole number of resource units, or null for the documented quotas.' });
    part.setThrottling({ ...(enabled !== undefined ? { enabled: enabled !== false } : {}), ...(quota !== undefined ? { quota: quota ?? undefined } : {}) });
    return { ok: true, throttled: part.throttled };
  });
  app.post<{ Params: { id: string } }>(`${prefix}/users/:id/restore`, async (request, reply) => {
    if (!part.store.deletedUser(request.params.id)) return reply.code(404).send({ error: 'No soft-deleted user with this id' });
    return part.restoreUser(request.params.id);
  });
  // `{status, code}` makes links fail with that answer instead (an expired link Graph answers unexpectedly).
  app.post<{ Body: { mode?: 'resync' | 'expired'; status?: number; code?: string } }>(`${prefix}/expire-delta-tokens`, async (request, reply) => {
    const { mode, status, code } = request.body ?? {};
    if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599 && typeof code === 'string')) {
      return reply.code(400).send({ error: '`status` must be an HTTP error status (400–599) and comes with a `code`.' });
    }
    part.expireDeltaTokens(status !== undefined ? { status, code: code! } : mode);
    return { ok: true };
  });
}
