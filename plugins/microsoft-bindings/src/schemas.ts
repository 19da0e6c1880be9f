// Request and response schemas of the Microsoft profiles and bindings API.
import { z } from 'zod';
import { requestBody, storableText, text } from '@switchboard/core';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const consumerName = z.enum(['msp_sso', 'email', 'calendar', 'teams'], {
  error: 'must be one of msp_sso, email, calendar, teams',
});

const displayName = text(100);
const clientId = storableText().trim().regex(GUID, 'must be the application (client) ID from Azure, a GUID such as 00000000-0000-0000-0000-000000000000');
const authorityTenant = storableText()
  .trim()
  .toLowerCase()
  .refine((v) => v === 'common' || v === 'organizations' || GUID.test(v) || DOMAIN.test(v), {
    message: 'must be "common", "organizations", a directory (tenant) ID or a verified domain',
  });
// Whitespace is never part of an Azure secret; a pasted newline would make every token request fail.
// Encrypted before storage, so PostgreSQL never sees a NUL in it: refused anyway, as no real secret has one.
const clientSecret = text(1024);

export const profileInput = requestBody({
  displayName,
  clientId,
  authorityTenant: authorityTenant.default('common'),
  clientSecret,
});

/** Every field optional; a given `clientSecret` replaces the stored one. No defaults, so absent stays absent. */
export const profilePatch = requestBody({
  displayName: displayName.optional(),
  clientId: clientId.optional(),
  authorityTenant: authorityTenant.optional(),
  clientSecret: clientSecret.optional(),
});

export const profileListQuery = z.object({
  includeArchived: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export const profileResponse = z.object({
  id: z.string(),
  displayName: z.string(),
  clientId: z.string(),
  authorityTenant: z.string(),
  hasClientSecret: z.boolean(),
  isArchived: z.boolean(),
  archivedAt: z.string().nullable(),
  /** Consumers (and other features) using this profile; archive and delete are refused while any. */
  usedBy: z.array(z.object({ key: z.string(), label: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const bindingInput = requestBody({ profileId: z.uuid({ message: 'must be the id of a Microsoft profile' }) });

export const consumerStatus = z.object({
  consumer: consumerName,
  label: z.string(),
  description: z.string(),
  binding: z
    .object({ profileId: z.string(), profileName: z.string(), boundAt: z.string(), boundBy: z.string().nullable() })
    .nullable(),
  readiness: z.enum(['ready', 'not_bound', 'missing_secret']),
  readinessMessage: z.string(),
  redirectUris: z.array(z.string()),
  /** Teams only (EE). */
  teams: z
    .object({
      installStatus: z.enum(['not_configured', 'install_pending', 'installed', 'error']),
      applicationIdUri: z.string().nullable(),
      guidance: z.string(),
    })
    .optional(),
});

export const consumerMatrix = z.object({ edition: z.enum(['ce', 'ee']), consumers: z.array(consumerStatus) });

/** A connection that must reconnect because its consumer was bound to another app (or cleared). */
export const affectedConnection = z.object({ userId: z.string().nullable(), displayName: z.string(), connection: z.string() });

export const bindingResult = z.object({ consumer: consumerStatus, warnings: z.array(z.string()), affected: z.array(affectedConnection) });

export type ProfileInput = z.infer<typeof profileInput>;
export type ProfilePatch = z.infer<typeof profilePatch>;
export type ProfileResponse = z.infer<typeof profileResponse>;
export type ConsumerStatus = z.infer<typeof consumerStatus>;
