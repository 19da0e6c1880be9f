// Request and response shapes of the calendar API. The stable routes carry no Fastify schema (CE
// must answer before reading a body), so handlers parse with these and answer 400 themselves.
import { z } from 'zod';
import { BadRequest } from '@switchboard/core';

export const providerType = z.enum(['google', 'microsoft'], { error: 'must be "google" or "microsoft"' });
export const syncDirection = z.enum(['two_way', 'to_calendar', 'from_calendar'], { error: 'must be two_way, to_calendar or from_calendar' });

export const providerInput = z.object({
  providerType,
  displayName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  syncDirection: syncDirection.default('two_way'),
  importUnmapped: z.boolean().default(false),
});

export const providerPatch = z.object({
  displayName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  syncDirection: syncDirection.optional(),
  importUnmapped: z.boolean().optional(),
});

export const providerListQuery = z.object({
  /** Admins: every technician's connections (`all`), or their own (default). */
  scope: z.enum(['mine', 'all'], { error: 'must be "mine" or "all"' }).default('mine'),
});

export const idParams = z.object({ id: z.uuid({ message: 'must be the id of a calendar connection' }) });

export const settingsInput = z.object({
  googleClientId: z.string().trim().min(1, 'must not be empty').max(300).nullable().optional(),
  /** Write-only; a new value replaces the stored one, null removes it. */
  googleClientSecret: z.string().trim().min(1, 'must not be empty').max(300).nullable().optional(),
});

export const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(200).optional(),
});

export const conflictListQuery = providerListQuery;

export const resolutionInput = z.object({
  resolution: z.enum(['keep_psa', 'keep_calendar', 'merge'], { error: 'must be keep_psa, keep_calendar or merge' }),
  fields: z
    .object({
      title: z.enum(['psa', 'calendar']).optional(),
      notes: z.enum(['psa', 'calendar']).optional(),
      time: z.enum(['psa', 'calendar']).optional(),
      recurrence: z.enum(['psa', 'calendar']).optional(),
    })
    .optional(),
});

export type ProviderInput = z.infer<typeof providerInput>;
export type ProviderPatch = z.infer<typeof providerPatch>;
export type SettingsInput = z.infer<typeof settingsInput>;

/** Parses with a schema, turning its problems into one 400 naming each field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where?: 'query' | 'params'): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw BadRequest.fields(
    result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      return { field: where ? `${where}${path ? `.${path}` : ''}` : path || 'body', message: issue.message };
    }),
  );
}
