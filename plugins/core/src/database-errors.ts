// What a PostgreSQL error means for the request that hit it. The one error handler uses this as a
// safety net: a unique or foreign-key violation is a 409, a value PostgreSQL cannot store is a 400,
// a lost or refused connection is a 503. Services still map the cases they know about to messages
// naming the record; this catches the rest so no database error ever surfaces as a bare 500.

/** SQLSTATE classes and codes: https://www.postgresql.org/docs/current/errcodes-appendix.html */
const CONFLICT_CODES: Record<string, string> = {
  '23505': 'This conflicts with a record that already exists.',
  '23503': 'This refers to a record that does not exist or is still in use.',
  '23P01': 'This overlaps with an existing record.',
  '40001': 'Another change to the same record happened at the same time. Please try again.',
  '40P01': 'Another change to the same record happened at the same time. Please try again.',
};

const BAD_INPUT_CODES: Record<string, string> = {
  '22P05': 'A text value contains a character that cannot be stored (such as a NUL byte).',
  '22021': 'A text value contains a character that cannot be stored (such as a NUL byte).',
  '22008': 'A date or time is outside the supported range.',
  '22007': 'A date or time is not valid.',
  '22003': 'A number is outside the supported range.',
  '22P02': 'A value has the wrong format.',
  '22001': 'A text value is too long.',
  '23502': 'A required value is missing.',
  '23514': 'A value is not allowed.',
  '54000': 'A value is too large.',
};

/** Node socket errors and PostgreSQL codes that mean "the database is not reachable right now". */
const UNAVAILABLE = 'The database is not reachable right now. Please try again in a moment.';
const UNAVAILABLE_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed',
  'Cannot use a pool after calling end',
];

export interface DatabaseErrorMeaning {
  statusCode: 400 | 409 | 503;
  message: string;
}

/** The meaning of a database error, or `null` when `err` is not one this module recognises. */
export function databaseErrorMeaning(err: unknown): DatabaseErrorMeaning | null {
  if (!err || typeof err !== 'object') return null;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (CONFLICT_CODES[code]) return { statusCode: 409, message: CONFLICT_CODES[code] };
    if (BAD_INPUT_CODES[code]) return { statusCode: 400, message: BAD_INPUT_CODES[code] };
    // Class 08: connection exception; 57P01-57P03: server shutting down or starting up; 53300: too many connections.
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || UNAVAILABLE_ERRNO.has(code)) {
      return { statusCode: 503, message: UNAVAILABLE };
    }
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
    return { statusCode: 503, message: UNAVAILABLE };
  }
  return null;
}

/** True for a unique violation, optionally of one named constraint (for mapping it to a readable 409). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return !!e && e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** True for a foreign-key violation, optionally of one named constraint. */
export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return !!e && e.code === '23503' && (constraint === undefined || e.constraint === constraint);
}

/** True when the database connection was lost or could not be made. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseErrorMeaning(err)?.statusCode === 503;
}
