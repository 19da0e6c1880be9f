// Test support: the real `npm start` process (main.ts) on a free port, with its log collected, so a
// test sees what an operator sees, including a process that exits after an uncaught error.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { eventually as poll } from './eventually.js';
import { captureLogStream, captureSecret } from './log-capture.js';

export interface SpawnedServer {
  baseUrl: string;
  /** Every line the process wrote to stdout and stderr so far. */
  lines: string[];
  /** `undefined` while the process runs; its exit code or signal once it has exited. */
  readonly exit: { code: number | null; signal: string | null } | undefined;
  /** `fetch` against the server, given up after 10 s so no test step can hang. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Sends `signal` to the process; SIGKILL stands for a crash, with no chance to clean up. */
  kill(signal: NodeJS.Signals): void;
  /** Sends SIGTERM (SIGKILL after 20 s) and removes the data folder. */
  stop(): Promise<void>;
}

// main.ts and worker-main.ts sit side by side; @switchboard/api exports main.ts only.
const API_SOURCE = dirname(fileURLToPath(import.meta.resolve('@switchboard/api/main')));

export const SPAWNED_ADMIN = { email: 'outage-admin@switchboard.test', password: 'a long outage test password' };
captureSecret(SPAWNED_ADMIN.password);

export async function spawnServer(entry: 'main.ts' | 'worker-main.ts', env: Record<string, string>): Promise<SpawnedServer> {
  const port = await getPort({ host: '127.0.0.1' });
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-outage-'));
  const secretKey = randomBytes(32).toString('base64');
  captureSecret(secretKey);
  const child = spawn(process.execPath, ['--import', 'tsx', join(API_SOURCE, entry)], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_SECRET_KEY: secretKey,
      SWITCHBOARD_ADMIN_EMAIL: SPAWNED_ADMIN.email,
      SWITCHBOARD_ADMIN_PASSWORD: SPAWNED_ADMIN.password,
      // An empty folder stands in for the built web app, so the first start does not build it.
      SWITCHBOARD_WEB_DIST: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  // The whole-suite scan checks the child's log lines for secrets too.
  const capture = captureLogStream(() => {});
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      for (const line of parts) capture.write(`${line}\n`);
    });
  }
  let exit: SpawnedServer['exit'];
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    lines,
    get exit() {
      return exit;
    },
    request: (path, init = {}) => fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) }),
    kill: (signal) => void child.kill(signal),
    async stop() {
      if (!exit) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in as the first admin; returns a request function that sends the cookie and CSRF header. */
export async function signInSpawned(server: SpawnedServer) {
  const res = await server.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SPAWNED_ADMIN),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie()[0].split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  captureSecret(csrfToken);
  captureSecret(decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)));
  return (method: string, path: string, body?: unknown) =>
    server.request(path, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/**
 * Polls `check` until it returns a value, counting a throw (the server not up yet) as no value;
 * fails after `timeoutMs`, naming `what`, or at once when `server` has exited (with the end of its
 * log, to show why).
 */
export function eventually<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  opts: { timeoutMs?: number; server?: SpawnedServer } = {},
): Promise<T> {
  return poll(
    async () => {
      const value = await check().catch(() => undefined);
      if (!value && opts.server?.exit) throw new Error(`${what}: the server exited (${JSON.stringify(opts.server.exit)}):\n${opts.server.lines.slice(-15).join('\n')}`);
      return value;
    },
    opts.timeoutMs ?? 60_000,
    what,
  );
}
