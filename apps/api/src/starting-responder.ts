// What the port answers while the server waits for its database: alive (/healthz 200) but not
// ready (/readyz 503), and a readable 503 with Retry-After for everything else, so a load balancer
// and a user both see "starting" rather than a refused connection. The real app takes the port over.
import http from 'node:http';

export interface StartingResponder {
  close(): Promise<void>;
}

const STARTING = 'Switchboard is starting: it is waiting for its database. Please try again in a moment.';

export async function listenWhileStarting(port: number, host: string): Promise<StartingResponder> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const [status, body] =
      path === '/healthz'
        ? [200, { status: 'ok' }]
        : path === '/readyz'
          ? [503, { status: 'starting', message: 'The database is not reachable yet.' }]
          : [503, { statusCode: 503, error: 'Service Unavailable', message: STARTING }];
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(status === 503 ? { 'retry-after': '5' } : {}),
    });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // Keep-alive connections would hold the port; the app answers their next request anew.
        server.closeAllConnections();
      }),
  };
}
