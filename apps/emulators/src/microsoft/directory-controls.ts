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
    if (!part.store.user(request.params.id)) return reply.code(404).send({ error: 'Unknown user' });
    part.deleteUser(request.params.id, request.query.permanent === 'true');
    return { ok: true };
  });
  app.post<{ Body: { mode?: 'resync' | 'expired' } }>(`${prefix}/expire-delta-tokens`, async (request) => {
    part.expireDeltaTokens(request.body?.mode);
    return { ok: true };
  });
}
