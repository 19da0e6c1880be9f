// Typed errors thrown by services, and the one error handler that maps them to
// `{ reqId, statusCode, error, message }`. 4xx messages pass through; 5xx details stay in the log.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { databaseErrorMeaning } from './database-errors.js';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, message, details);
  }

  /** A 400 about input fields, shaped like a schema failure so the UI can show it by each field. */
  static fields(problems: { field: string; message: string }[]): BadRequest {
    return new BadRequest(`Invalid request: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { fields: problems });
  }

  static field(field: string, message: string): BadRequest {
    return BadRequest.fields([{ field, message }]);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Please sign in.') {
    super(401, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'You do not have permission to do this.') {
    super(403, message);
  }
}
export class NotFound extends AppError {
  constructor(what = 'Resource') {
    super(404, `${what} not found.`);
  }
}
export class Conflict extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(409, message, details);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const where = err.validationContext === 'body' ? path : `${err.validationContext}${path ? `.${path}` : ''}`;
        return { field: where || err.validationContext, message: issue.message };
      });
      // A body that is not an object at all has one sentence to say, not a field list.
      const whole = fields.length === 1 && fields[0].field === 'body';
      const message = whole ? fields[0].message : `Invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`;
      return reply.code(400).send(body(request.id, 400, message, { fields }));
    }
    const database = err instanceof AppError ? null : databaseErrorMeaning(err);
    if (database) {
      // Logged at warn with the constraint (never the values): the caller gets a readable 4xx/503.
      const { code, constraint } = err as { code?: string; constraint?: string };
      request.log.warn({ code, constraint, statusCode: database.statusCode }, 'database refused the request');
      if (database.statusCode === 503) reply.header('retry-after', '5');
      return reply.code(database.statusCode).send(body(request.id, database.statusCode, database.message));
    }
    const statusCode = err instanceof AppError ? err.statusCode : (err as FastifyError).statusCode ?? 500;
    if (statusCode >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(statusCode).send(body(request.id, statusCode, 'Something went wrong on our side. Please try again.'));
    }
    const details = err instanceof AppError ? err.details : undefined;
    return reply.code(statusCode).send(body(request.id, statusCode, readableClientMessage(err as FastifyError), details));
  });

  app.setNotFoundHandler(
    { preHandler: app.rateLimit ? app.rateLimit({ max: 60, timeWindow: '1 minute' }) : undefined },
    (request, reply) => {
      reply.code(404).send(body(request.id, 404, `Route ${request.method} ${request.url.split('?')[0]} not found.`));
    },
  );
}

function readableClientMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type; send application/json.';
    default:
      return err.message;
  }
}

function body(reqId: string, statusCode: number, message: string, details?: Record<string, unknown>) {
  return { reqId, statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message, ...(details ?? {}) };
}
