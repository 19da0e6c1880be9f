// Thin fetch wrapper for the Switchboard API. Every call is same-origin: in
// development Vite proxies /api to the API server, in production the API
// server serves these files itself.

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export interface EditionInfo {
  edition: string;
  calendarAvailable?: boolean;
  [key: string]: unknown;
}

export interface SessionUser {
  displayName: string;
  email: string;
  [key: string]: unknown;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

interface RequestOptions {
  body?: unknown;
  csrfToken?: string;
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
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message) return message;
  }
  return `Request failed (HTTP ${status})`;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (err) {
    throw new ApiError(0, 'Cannot reach the Switchboard server', err);
  }

  const body = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, body), body);
  return body as T;
}

export function getEdition(): Promise<EditionInfo> {
  return request<EditionInfo>('GET', '/api/edition');
}

/** The current session, or null when not signed in (HTTP 401). */
export async function getSession(): Promise<Session | null> {
  try {
    return await request<Session>('GET', '/api/auth/session');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function login(email: string, password: string): Promise<Session> {
  return request<Session>('POST', '/api/auth/login', { body: { email, password } });
}

export async function logout(csrfToken: string | undefined): Promise<void> {
  await request<unknown>('POST', '/api/auth/logout', { csrfToken });
}

export function editionLabel(edition: string): string {
  const e = edition.toLowerCase();
  return e === 'ee' || e === 'enterprise' ? 'Enterprise Edition' : 'Community Edition';
}
