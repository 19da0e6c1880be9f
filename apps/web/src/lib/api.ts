// The API client: same-origin fetch with the CSRF token on every mutation, errors as ApiError with
// the server's readable message, and one hook for "the session ended" (401 on an API call).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level problems from a 400, keyed by field name. */
  get fieldErrors(): Record<string, string> {
    const fields = (this.body as { fields?: { field: string; message: string }[] } | null)?.fields ?? [];
    return Object.fromEntries(fields.map((f) => [f.field, f.message]));
  }
}

let csrfToken: string | undefined;
let onSessionEnded: ((message: string) => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function setSessionEndedHandler(handler: (message: string) => void): void {
  onSessionEnded = handler;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorMessage(status: number, body: unknown): string {
  const b = body as { message?: unknown; error?: unknown } | null;
  if (b && typeof b.message === 'string' && b.message) return b.message;
  if (b && typeof b.error === 'string' && b.error) return b.error;
  return `Request failed (HTTP ${status})`;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'Cannot reach the Switchboard server. Check your connection and try again.', err);
  }
  const data = await readJson(res);
  if (!res.ok) {
    const error = new ApiError(res.status, errorMessage(res.status, data), data);
    if (res.status === 401 && !path.startsWith('/api/auth/')) onSessionEnded?.(error.message);
    throw error;
  }
  return data as T;
}

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
