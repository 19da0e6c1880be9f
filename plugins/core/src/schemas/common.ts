// Request/response pieces shared by the core routes and (through @switchboard/core) the EE plugins:
// text PostgreSQL can store, bounded paging, request bodies, and the one hand-parse-to-400 helper.
import { z } from 'zod';
import { BadRequest } from '../errors.js';

export const STORABLE_TEXT_MESSAGE = 'must not contain control characters such as NUL';
export const UNPAIRED_SURROGATE_MESSAGE = 'must not contain broken characters (an unpaired UTF-16 surrogate)';
export const BODY_MUST_BE_OBJECT = 'The request body must be a JSON object.';

/** PostgreSQL's `integer`: the bound for offsets and counts. */
export const INT4_MAX = 2_147_483_647;

// PostgreSQL text and jsonb cannot hold U+0000 (SQLSTATE 22021 / 22P05). A lone UTF-16 surrogate has
// no UTF-8 form: the driver would silently store U+FFFD in text, and jsonb refuses its \uD800 escape.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string PostgreSQL can store exactly as given: every request string (body, query, path) starts
 * here. `abort` keeps later checks (trim, length, format) from piling more messages on a NUL.
 */
export const storableText = () =>
  z
    .string()
    .refine((v) => !v.includes('\u0000'), { message: STORABLE_TEXT_MESSAGE, abort: true })
    .refine((v) => !UNPAIRED_SURROGATE.test(v), { message: UNPAIRED_SURROGATE_MESSAGE, abort: true });

/** Trimmed non-empty text with a length cap. */
export const text = (max: number) => storableText().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Optional free text: empty string or null clears it; absent stays absent (so PATCH leaves it alone). */
export const optionalText = (max: number) =>
  storableText()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v === undefined ? undefined : v || null))
    .optional();

/**
 * A request body with these fields. Its own failure (null, an array, a bare value, nothing) says so
 * in one sentence; field problems keep their own messages. `.partial()`/`.extend()` keep it.
 */
export const requestBody = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.object(shape, { error: (issue) => (issue.code === 'invalid_type' ? BODY_MUST_BE_OBJECT : undefined) });

export const idParams = z.object({ id: z.uuid({ message: 'must be a valid id' }) });

export const pageQuery = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').max(INT4_MAX, `must be at most ${INT4_MAX}`).default(0),
});

/**
 * Parses a request part by hand (routes registered without a Fastify schema), answering 400 with
 * each bad field, prefixed by `where` for the query or params. A request without any body is an
 * empty object; a body of null, an array or a bare value is refused, never read as `{}`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where?: 'query' | 'params'): z.infer<S> {
  if (!where && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw BadRequest.field('body', BODY_MUST_BE_OBJECT);
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw BadRequest.fields(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return { field: [where, path].filter(Boolean).join('.') || (where ?? 'body'), message: issue.message };
    }),
  );
}

export const errorResponse = z.object({
  reqId: z.string(),
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
});

export const okResponse = z.object({ success: z.literal(true) });

export const isoDate = (d: Date) => d.toISOString();
