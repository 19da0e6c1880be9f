// Test support: a TCP proxy between the app and its database that a test can cut (every proxied
// socket reset, new ones refused) and restore, to show how the app lives through a lost database.
import net from 'node:net';

export interface TcpFaultProxy {
  /** The port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
  /** Resets every proxied connection (both ends) and resets new ones until `restore`. */
  cut(): void;
  restore(): void;
  /** Connections proxied right now. */
  readonly open: number;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(target: { host: string; port: number }, opts: { cut?: boolean } = {}): Promise<TcpFaultProxy> {
  let refusing = opts.cut ?? false;
  const pairs = new Set<[net.Socket, net.Socket]>();

  const server = net.createServer((client) => {
    // Reset rather than close: the client sees ECONNRESET, as when a network path or server dies.
    if (refusing) return void client.resetAndDestroy();
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const cut = () => {
    refusing = true;
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };

  return {
    port,
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cut,
    restore() {
      refusing = false;
    },
    get open() {
      return pairs.size;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
