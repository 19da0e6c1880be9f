// Test helpers for the Graph calendar emulator: start it, issue a delegated token, call Graph with
// plain fetch, and run a local HTTP receiver for webhook handshakes and notifications.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface GraphUser {
  tenantId: string;
  userId: string;
  clientId: string;
  token: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<GraphResponse>;
}

/** An emulator on a random port with short notification timeouts; closed at teardown. */
export async function startGraph(t: Teardown): Promise<MicrosoftEmulator> {
  // The receivers below are plain http on loopback: the emulator's loopback mode accepts them.
  const ms = await startMicrosoftEmulator({ allowHttpWebhooks: true });
  t.teardown(() => ms.close());
  ms.calendar.configure({ validationTimeoutMs: 1000, deliveryTimeoutMs: 1000, retryDelaysMs: [50, 50] });
  return ms;
}

/** Plain fetch against `url` (absolute, or a path under /v1.0). */
export async function graphFetch(ms: MicrosoftEmulator, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphResponse> {
  const url = path.startsWith('http') ? path : `${ms.url}/v1.0${path}`;
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A signed-in user of a fresh tenant with the given delegated scopes. */
export function signIn(ms: MicrosoftEmulator, scopes = ['Calendars.ReadWrite'], ids: Partial<Pick<GraphUser, 'tenantId' | 'userId' | 'clientId'>> = {}): GraphUser {
  const tenantId = ids.tenantId ?? randomUUID();
  const userId = ids.userId ?? randomUUID();
  const clientId = ids.clientId ?? randomUUID();
  const { token } = ms.tokens.issue({ tenantId, clientId, userId, scopes });
  return { tenantId, userId, clientId, token, call: (method, path, body, headers) => graphFetch(ms, token, method, path, body, headers) };
}

export interface ReceivedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json?: any;
}

export type ReceiverHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/** Answers the handshake correctly: 200, text/plain, the decoded token. Notifications get 202. */
export const echoHandshake: ReceiverHandler = (request, response) => {
  const token = request.query.get('validationToken');
  if (token !== null) {
    response.writeHead(200, { 'content-type': 'text/plain' }).end(token);
    return;
  }
  response.writeHead(202).end();
};

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Notifications (not handshakes) received so far, parsed. */
  notifications(): any[];
  handler: ReceiverHandler;
  /** Resolves when `count` notifications have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<any[]>;
}

export async function startReceiver(t: Teardown, handler: ReceiverHandler = echoHandshake): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    handler,
    notifications: () => receiver.received.filter((r) => !r.query.has('validationToken')).map((r) => r.json),
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (receiver.notifications().length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} notifications, got ${receiver.notifications().length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return receiver.notifications();
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = Buffer.concat(chunks).toString();
      const entry: ReceivedRequest = { path: url.pathname, query: url.searchParams, headers: req.headers, body };
      try {
        entry.json = body ? JSON.parse(body) : undefined;
      } catch {
        // handshakes have an empty text body
      }
      receiver.received.push(entry);
      void receiver.handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return receiver;
}
