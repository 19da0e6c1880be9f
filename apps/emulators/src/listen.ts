// Start an emulator's Fastify app on loopback (a random port unless one is given).
import type { FastifyInstance } from 'fastify';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export async function listenLocal(app: FastifyInstance, options: { port?: number; host?: string } = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
