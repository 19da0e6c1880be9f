// Configuration from the environment, validated once at start. A bad or missing variable stops the
// process with a message naming it.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ProviderUrls } from '@switchboard/core';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`, as node:dns's setServers takes them. */
const dnsServer = (entry: string) => {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry) ?? [entry, entry, undefined];
  const port = m[2] === undefined ? 53 : Number(m[2]);
  return isIP(m[1]) !== 0 && port >= 1 && port <= 65535;
};
const dnsServers = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every(dnsServer), 'must be comma-separated IP addresses, each with an optional :port (e.g. 1.1.1.1,9.9.9.9:53)');

const schema = z
  .object({
    EDITION: z.enum(['ce', 'ee'], { error: 'must be "ce" or "ee"' }).default('ce'),
    PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, 'must be a port number').default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: z.url({ message: 'must be a URL such as https://switchboard.example.com' }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave it unset to use the embedded database)')
      .optional(),
    SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
    SWITCHBOARD_SECRET_KEY: z.string().optional(),
    SWITCHBOARD_SECRET_KEY_PREVIOUS: z.string().optional(),
    SWITCHBOARD_SECRET_KEY_FILE: z.string().optional(),
    SWITCHBOARD_WORKERS: z.enum(['inline', 'off'], { error: 'must be "inline" or "off"' }).default('inline'),
    SWITCHBOARD_ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
    SWITCHBOARD_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    SESSION_TTL_HOURS: z.coerce.number({ error: 'must be a number of hours' }).positive('must be positive').max(24 * 90).default(12),
    // The per-process session cache: seconds an entry may be served (0 turns it off), and its size.
    // Revocation does not wait for this: see docs/OPERATIONS.md, "Session cache".
    SESSION_CACHE_TTL_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(0).max(3600, 'must be at most 3600').default(30),
    SESSION_CACHE_MAX_ENTRIES: z.coerce.number({ error: 'must be a number' }).int().min(1).default(10_000),
    LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1).default(10),
    LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1).default(30),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: bool.default(false),
    COOKIE_SECURE: bool.optional(),
    SWITCHBOARD_WEB_DIST: z.string().optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24)').optional(),
    WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1).default(6000),
    CALENDAR_SWEEP_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int().min(1, 'must be at least 1').max(1440, 'must be at most 1440').default(15),
    // Dev, demo and tests only: provider URLs a user types (the CIPP base URL) may then be http(s) to
    // loopback, where the emulators listen. Off in production: https to public addresses only.
    SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: bool.default(false),
    // Where login-domain TXT records are looked up: the system's resolvers unless set.
    SWITCHBOARD_DNS_SERVERS: dnsServers.optional(),
    SWITCHBOARD_DNS_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(100, 'must be at least 100').max(30_000, 'must be at most 30000').default(3000),
    // Provider endpoints: the real services by default; the emulators' address in tests and the demo.
    MICROSOFT_LOGIN_URL: z.url({ message: 'must be a URL such as https://login.microsoftonline.com' }).default('https://login.microsoftonline.com'),
    MICROSOFT_GRAPH_URL: z.url({ message: 'must be a URL such as https://graph.microsoft.com' }).default('https://graph.microsoft.com'),
    GOOGLE_ACCOUNTS_URL: z.url({ message: 'must be a URL such as https://accounts.google.com' }).default('https://accounts.google.com'),
    GOOGLE_OAUTH2_URL: z.url({ message: 'must be a URL such as https://oauth2.googleapis.com' }).default('https://oauth2.googleapis.com'),
    GOOGLE_API_URL: z.url({ message: 'must be a URL such as https://www.googleapis.com' }).default('https://www.googleapis.com'),
  })
  .refine((c) => !c.SWITCHBOARD_ADMIN_PASSWORD || c.SWITCHBOARD_ADMIN_EMAIL, {
    path: ['SWITCHBOARD_ADMIN_EMAIL'],
    message: 'is required when SWITCHBOARD_ADMIN_PASSWORD is set',
  });

export type RawConfig = z.infer<typeof schema>;

export interface Config extends RawConfig {
  publicUrl: string;
  providerUrls: ProviderUrls;
  dns: { servers?: string[]; timeoutMs: number };
  dataDir: string;
  keyFile: string;
  cookieSecure: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as they do in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, '');
  const dataDir = resolve(c.SWITCHBOARD_DATA_DIR);
  const bare = (url: string) => url.replace(/\/+$/, '');
  return {
    ...c,
    publicUrl,
    providerUrls: {
      microsoftLogin: bare(c.MICROSOFT_LOGIN_URL),
      microsoftGraph: bare(c.MICROSOFT_GRAPH_URL),
      googleAccounts: bare(c.GOOGLE_ACCOUNTS_URL),
      googleOAuth2: bare(c.GOOGLE_OAUTH2_URL),
      googleApi: bare(c.GOOGLE_API_URL),
    },
    dns: { servers: c.SWITCHBOARD_DNS_SERVERS, timeoutMs: c.SWITCHBOARD_DNS_TIMEOUT_MS },
    dataDir,
    keyFile: resolve(c.SWITCHBOARD_SECRET_KEY_FILE ?? `${dataDir}/secret.key`),
    cookieSecure: c.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
  };
}
