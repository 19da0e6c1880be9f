// Error bodies in the shapes Google's services use: the Calendar API's JSON error resource and the
// OAuth endpoints' flat `{error, error_description}`.
import type { FaultRule } from '../controls.js';

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

/** gRPC-style status names Google adds to JSON errors (https://cloud.google.com/apis/design/errors#http_mapping). */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'FAILED_PRECONDITION',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** An error thrown by route handlers; the server's error handler renders it with `googleError`. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly item: GoogleErrorItem,
  ) {
    super(item.message);
  }
}

/**
 * `{error:{code,message,errors:[{domain,reason,message,…}],status}}` — the shape in the Calendar errors
 * guide: https://developers.google.com/workspace/calendar/api/guides/errors
 */
export function googleError(status: number, item: GoogleErrorItem): unknown {
  return {
    error: {
      code: status,
      message: item.message,
      errors: [item],
      ...(STATUS_NAMES[status] ? { status: STATUS_NAMES[status] } : {}),
    },
  };
}

// The canned errors of the errors guide (same URL as above), by name.
export const apiErrors = {
  loginRequired: () =>
    new GoogleApiError(401, { domain: 'global', reason: 'required', message: 'Login Required.', locationType: 'header', location: 'Authorization' }),
  authError: () =>
    new GoogleApiError(401, { domain: 'global', reason: 'authError', message: 'Invalid Credentials', locationType: 'header', location: 'Authorization' }),
  insufficientScopes: () =>
    new GoogleApiError(403, { domain: 'global', reason: 'insufficientPermissions', message: 'Request had insufficient authentication scopes.' }),
  notFound: () => new GoogleApiError(404, { domain: 'global', reason: 'notFound', message: 'Not Found' }),
  duplicate: () => new GoogleApiError(409, { domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.' }),
  deleted: () => new GoogleApiError(410, { domain: 'global', reason: 'deleted', message: 'Resource has been deleted' }),
  fullSyncRequired: () =>
    new GoogleApiError(410, {
      domain: 'calendar',
      reason: 'fullSyncRequired',
      message: 'Sync token is no longer valid, a full sync is required.',
      locationType: 'parameter',
      location: 'syncToken',
    }),
  conditionNotMet: () =>
    new GoogleApiError(412, { domain: 'global', reason: 'conditionNotMet', message: 'Precondition Failed', locationType: 'header', location: 'If-Match' }),
  timeRangeEmpty: (location: string) =>
    new GoogleApiError(400, { domain: 'calendar', reason: 'timeRangeEmpty', message: 'The specified time range is empty.', locationType: 'parameter', location }),
  invalid: (message: string, location?: string) =>
    new GoogleApiError(400, { domain: 'global', reason: 'invalid', message, ...(location ? { locationType: 'parameter', location } : {}) }),
  required: (message: string) => new GoogleApiError(400, { domain: 'global', reason: 'required', message }),
  badRequest: (message: string) => new GoogleApiError(400, { domain: 'global', reason: 'badRequest', message }),
};

/**
 * The 403 errors of the errors guide by reason (same URL as above): the rate limits a client backs off
 * from (userRateLimitExceeded, rateLimitExceeded) and those it does not (quotaExceeded: the Calendar
 * usage limits; forbiddenForNonOrganizer; insufficientPermissions). dailyLimitExceeded is the
 * usageLimits reason Google APIs give when a project's daily quota is spent
 * (https://developers.google.com/calendar/api/guides/quota: "Daily billing limit").
 */
const FORBIDDEN: Record<string, GoogleErrorItem> = {
  userRateLimitExceeded: { domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' },
  rateLimitExceeded: { domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
  quotaExceeded: { domain: 'usageLimits', reason: 'quotaExceeded', message: 'Calendar usage limits exceeded.' },
  dailyLimitExceeded: { domain: 'usageLimits', reason: 'dailyLimitExceeded', message: 'Daily Limit Exceeded' },
  forbiddenForNonOrganizer: { domain: 'calendar', reason: 'forbiddenForNonOrganizer', message: 'Shared properties can only be changed by the organizer of the event.' },
  insufficientPermissions: apiErrors.insufficientScopes().item,
};

/** The body of an injected fault (see controls.ts); 429 and 403 follow the errors guide's rows. */
export function renderFault(status: number, rule: Pick<FaultRule, 'reason'>): unknown {
  if (status === 429) {
    return googleError(429, { domain: 'usageLimits', reason: rule.reason ?? 'rateLimitExceeded', message: 'Rate Limit Exceeded' });
  }
  if (status === 403) return googleError(403, FORBIDDEN[rule.reason ?? ''] ?? { domain: 'global', reason: rule.reason ?? 'forbidden', message: 'Forbidden' });
  if (status === 401) return googleError(401, apiErrors.authError().item);
  if (status >= 500) return googleError(status, { domain: 'global', reason: rule.reason ?? 'backendError', message: 'Backend Error' });
  return googleError(status, { domain: 'global', reason: rule.reason ?? 'badRequest', message: `Injected ${status} from the emulator.` });
}

/** The OAuth endpoints' error body, e.g. {"error":"invalid_grant","error_description":"Token has been expired or revoked."}. */
export function oauthError(error: string, description: string): { error: string; error_description: string } {
  return { error, error_description: description };
}
