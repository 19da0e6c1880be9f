// Request schemas of the Entra API. Core registers these routes without a Fastify schema (CE must
// answer before reading a body), so the handlers parse with these and answer 400 with field errors.
import { z } from 'zod';
import { storableText, text } from '@switchboard/core';

const uuid = z.uuid({ message: 'must be a UUID' });

const cippSettings = z.object({
  // A NUL survives URL parsing (percent-encoded in the path) and would reach the stored connection.
  baseUrl: storableText().pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(500)),
  clientId: text(200),
  // Encrypted before storage, so PostgreSQL never sees it; a NUL is refused anyway (no real secret has one).
  clientSecret: text(500),
  tenantId: text(200),
  // CIPP deployments expose their API app under different application ID URIs; null/absent: api://{clientId}/.default.
  scope: text(300)
    .regex(/^(api|https?):\/\/\S+\/\.default$/i, 'must be the API app\'s application ID URI followed by /.default, e.g. api://<client id>/.default')
    .nullish(),
});

export const connectBody = z.discriminatedUnion('kind', [z.object({ kind: z.literal('direct'), profileId: uuid }), cippSettings.extend({ kind: z.literal('cipp') })]);

/** "Test connection" with CIPP settings, nothing saved; an empty body tests the active connection instead. */
export const testConnectionBody = cippSettings.extend({ kind: z.literal('cipp').optional() });

export const callbackQuery = z.object({
  state: storableText().max(500).optional(),
  code: storableText().max(4000).optional(),
  error: storableText().max(200).optional(),
});

export const mappingsBody = z.object({
  mappings: z
    .array(
      z.discriminatedUnion('action', [
        z.object({ managedTenantId: uuid, action: z.literal('map'), clientId: uuid }),
        z.object({ managedTenantId: uuid, action: z.literal('skip') }),
        z.object({ managedTenantId: uuid, action: z.literal('unmap') }),
        // Name and domains default to the tenant's; the service checks them as core checks any new client.
        z.object({ managedTenantId: uuid, action: z.literal('create_client'), name: storableText().max(1000).optional(), domains: z.array(storableText().max(1000)).max(200).optional() }),
      ]),
    )
    .min(1, 'choose at least one mapping')
    .max(2000),
});

export const syncBody = z.object({
  scope: z.enum(['initial', 'all']).default('all'),
  idempotencyKey: text(200).optional(),
});

export const clientSyncBody = z.object({ idempotencyKey: text(200).optional() }).default({});

export const runsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  clientId: uuid.optional(),
});

export const idParams = z.object({ id: uuid });
export const clientParams = z.object({ clientId: uuid });

export const ambiguousQuery = z.object({ status: z.enum(['open', 'resolved', 'dismissed']).default('open') });

export const resolveBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('link'), contactId: uuid }),
  z.object({ action: z.literal('create') }),
  z.object({ action: z.literal('dismiss') }),
]);

export const settingsBody = z
  .object({
    overwrite: z.object({ fullName: z.boolean(), email: z.boolean(), phone: z.boolean(), jobTitle: z.boolean() }).partial().strict().optional(),
    schedule: z.enum(['off', 'hourly', 'daily', 'weekly']).optional(),
  })
  .strict();

/** Parses `value` or throws a 400 naming each bad field (`where` prefixes query/params fields); null is not an empty body. */
export { parseInput as parse } from '@switchboard/core';
