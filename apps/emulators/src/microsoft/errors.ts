// Error bodies in the shapes the Microsoft services use.
import { randomUUID } from 'node:crypto';
import type { FaultRule } from '../controls.js';

const GRAPH_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ErrorItemNotFound',
  409: 'ErrorIrresolvableConflict',
  410: 'SyncStateNotFound',
  412: 'ErrorIrresolvableConflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** Graph's JSON error resource: https://learn.microsoft.com/en-us/graph/errors */
export function graphError(status: number, rule?: Pick<FaultRule, 'reason'>, message?: string): unknown {
  return {
    error: {
      code: rule?.reason ?? GRAPH_CODES[status] ?? 'UnknownError',
      message: message ?? `Injected ${status} from the emulator.`,
      innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
    },
  };
}

/** The identity platform's OAuth error body: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1 */
export function identityError(status: number, error = status >= 500 ? 'temporarily_unavailable' : 'invalid_request', description?: string): unknown {
  return {
    error,
    error_description: description ?? `AADSTS90000: Injected ${status} from the emulator.`,
    error_codes: [90000],
    timestamp: new Date().toISOString().replace('T', ' ').replace('Z', 'Z'),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  };
}
