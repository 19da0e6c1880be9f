// Request/response pieces shared by the core routes.
import { z } from 'zod';

export const idParams = z.object({ id: z.uuid({ message: 'must be a valid id' }) });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const errorResponse = z.object({
  reqId: z.string(),
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
});

export const okResponse = z.object({ success: z.literal(true) });

export const isoDate = (d: Date) => d.toISOString();

/** Trimmed non-empty text with a length cap. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Optional free text: empty string or null clears it; absent stays absent (so PATCH leaves it alone). */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v === undefined ? undefined : v || null))
    .optional();
