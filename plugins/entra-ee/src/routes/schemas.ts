// Request schemas of the Entra API. Core registers these routes without a Fastify schema (CE must
// answer before reading a body), so the handlers parse with these and answer 400 with field errors.
import { z } from 'zod';
import { BadRequest } from '@switchboard/core';

const uuid = z.uuid({ message: 'must be a UUID' });
const text = (max: number) => z.string().trim().min(1, 'is required').max(max);

export const connectBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), profileId: uuid }),
  z.object({
    kind: z.literal('cipp'),
    baseUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(500),
    clientId: text(200),
    clientSecret: text(500),
    tenantId: text(200),
  }),
]);

export const callbackQuery = z.object({
  state: z.string().max(500).optional(),
  code: z.string().max(4000).optional(),
  error: z.string().max(200).optional(),
});

export const mappingsBody = z.object({
  mappings: z
    .array(
      z.discriminatedUnion('action', [
        z.object({ managedTenantId: uuid, action: z.literal('map'), clientId: uuid }),
        z.object({ managedTenantId: uuid, action: z.literal('skip') }),
        z.object({ managedTenantId: uuid, action: z.literal('unmap') }),
      ]),
    )
    .min(1, 'choose at least one mapping')
    .max(2000),
});

export const syncBody = z.object({
  scope: z.enum(['initial', 'all']).default('all'),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});

export const clientSyncBody = z.object({ idempotencyKey: z.string().trim().min(1).max(200).optional() }).default({});

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

/** Parses `value` or throws a 400 naming each bad field (`where` prefixes query/params fields). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where?: 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw BadRequest.fields(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return { field: [where, path].filter(Boolean).join('.') || (where ?? 'body'), message: issue.message };
    }),
  );
}
