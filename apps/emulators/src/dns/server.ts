// A small authoritative DNS server for tests and the demo: answers TXT queries over UDP and TCP from
// records set in process (`setTxt`), NXDOMAIN for names it does not know, and on request SERVFAIL
// or silence for one name, so `node:dns` resolvers meet real packets (encoded with dns-packet).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';

/** How the emulator treats queries for a name instead of answering them. */
export type DnsFault = 'servfail' | 'refused' | 'no_answer';

export interface DnsEmulatorOptions {
  /** UDP and TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
}

export interface DnsEmulator {
  host: string;
  port: number;
  /** `host:port`, as a resolver's setServers and SWITCHBOARD_DNS_SERVERS take it. */
  server: string;
  /**
   * Publishes the TXT records of `name`, replacing any. Each entry is one record: a string (split
   * into 255-byte character-strings as needed) or the record's character-strings themselves.
   * An empty list makes the name exist without TXT records (NOERROR, no answer: ENODATA).
   */
  setTxt(name: string, records: (string | string[])[]): void;
  /** Forgets `name` (NXDOMAIN from now on) and its fault. */
  clear(name: string): void;
  /** Answers every query for `name` this way until `clear(name)` or `fail(name, null)`. */
  fail(name: string, fault: DnsFault | null): void;
  /** The TXT records of every name, as published. */
  records(): Record<string, string[][]>;
  /** Queries received for `name` (any type, any transport). */
  queries(name: string): number;
  close(): Promise<void>;
}

// RFC 1035 §3.3 and §3.3.14: TXT-DATA is one or more <character-string>s, each a length byte then at
// most 255 bytes. RFC 1464 (and every domain-verification scheme) treats a longer value as the
// concatenation of the strings of one record, which is how resolvers hand them back.
const MAX_CHARACTER_STRING = 255;
const UDP_LIMIT = 512;

function toCharacterStrings(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length === 0) return [bytes];
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += MAX_CHARACTER_STRING) chunks.push(bytes.subarray(i, i + MAX_CHARACTER_STRING));
  return chunks;
}

const normalize = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export async function startDnsEmulator(options: DnsEmulatorOptions = {}): Promise<DnsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const txt = new Map<string, Buffer[][]>();
  const faults = new Map<string, DnsFault>();
  const counts = new Map<string, number>();

  /** The response to one query, or null to stay silent. */
  function respond(query: DecodedPacket, transport: 'udp' | 'tcp'): Packet | null {
    const question = query.questions?.[0];
    const reply = (rcode: number, answers: Answer[] = []): Packet => ({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
      questions: query.questions,
      answers,
    });
    if (!question) return reply(RCODE.REFUSED);
    const name = normalize(question.name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const fault = faults.get(name);
    if (fault === 'no_answer') return null;
    if (fault) return reply(fault === 'servfail' ? RCODE.SERVFAIL : RCODE.REFUSED);
    const records = txt.get(name);
    if (!records) return reply(RCODE.NXDOMAIN);
    if (question.type !== 'TXT') return reply(RCODE.NOERROR);
    const answers: Answer[] = records.map((strings) => ({ type: 'TXT', class: 'IN', name: question.name, ttl: 60, data: strings }));
    const full = reply(RCODE.NOERROR, answers);
    // Too big for a datagram: the truncated flag sends the resolver to TCP (RFC 1035 §4.2.1).
    if (transport === 'udp' && dnsPacket.encodingLength(full) > UDP_LIMIT) return { ...reply(RCODE.NOERROR), flags: (full.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE };
    return full;
  }

  const onDatagram = (udp: Socket) => (message: Buffer, from: RemoteInfo) => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: ignore, as a real server would
    }
    const response = respond(query, 'udp');
    if (response) udp.send(dnsPacket.encode(response), from.port, from.address);
  };

  const connections = new Set<TcpSocket>();
  const onConnection = (socket: TcpSocket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (data) => {
      buffered = Buffer.concat([buffered, data]);
      // Over TCP each message has a two-byte length prefix (RFC 1035 §4.2.2).
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const message = buffered.subarray(0, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(message.length);
        let query: DecodedPacket;
        try {
          query = dnsPacket.streamDecode(message) as DecodedPacket;
        } catch {
          socket.destroy();
          return;
        }
        const response = respond(query, 'tcp');
        if (response) socket.write(dnsPacket.streamEncode(response));
      }
    });
  };

  const { udp, tcp } = await bindBoth(host, options.port ?? 0, onDatagram, onConnection);
  const port = udp.address().port;
  // Tests share one emulator per process; it must not keep the process alive after them.
  udp.unref();
  tcp.unref();

  return {
    host,
    port,
    server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    setTxt(name, records) {
      txt.set(
        normalize(name),
        records.map((r) => (Array.isArray(r) ? r.map((s) => Buffer.from(s, 'utf8')) : toCharacterStrings(r))),
      );
    },
    clear(name) {
      txt.delete(normalize(name));
      faults.delete(normalize(name));
    },
    fail(name, fault) {
      if (fault) faults.set(normalize(name), fault);
      else faults.delete(normalize(name));
    },
    records: () => Object.fromEntries([...txt].map(([name, records]) => [name, records.map((strings) => strings.map((s) => s.toString('utf8')))])),
    queries: (name) => counts.get(normalize(name)) ?? 0,
    async close() {
      for (const socket of connections) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}

/** UDP and TCP on one port number; with port 0, tries again when TCP finds the UDP port taken. */
async function bindBoth(host: string, wanted: number, onDatagram: (udp: Socket) => (message: Buffer, from: RemoteInfo) => void, onConnection: (socket: TcpSocket) => void) {
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    udp.on('message', onDatagram(udp));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(wanted, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const tcp: Server = createServer(onConnection);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (err) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (wanted !== 0 || attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}
