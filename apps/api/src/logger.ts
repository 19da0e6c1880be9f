// Structured pino logging with secrets kept out: credentials in headers and bodies are redacted,
// and sensitive query parameters (OAuth codes, states, tokens) are masked in logged URLs.
import type { FastifyServerOptions } from 'fastify';

const SENSITIVE_QUERY = /^(code|state|token|access_token|refresh_token|id_token|client_secret|validationtoken|password|session_state)$/i;

export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SENSITIVE_QUERY.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["x-goog-channel-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.csrfToken',
  '*.secret',
];

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req) => ({ method: req.method, url: maskUrl(req.url), reqId: req.id, remoteAddress: req.ip }),
    },
  };
}
