// Calls to provider URLs that a user typed (the CIPP base URL), so they cannot reach inside our
// network: https only, and every address the name resolves to must be public — checked before any
// credential is used, and again when the socket connects (the connection uses the checked address,
// so a DNS answer that changes in between cannot slip an internal address in). Redirects are never
// followed. SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS (dev, demo, tests) also allows http(s) to loopback.
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Transform, pipeline } from 'node:stream';

export interface OutboundPolicy {
  /** Dev and demo only: also allow http and https to loopback addresses (the local emulators). */
  allowLoopback: boolean;
  /** DNS resolution (all addresses of a name); tests pass their own to play a rebinding server. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

/** The URL may not be called; the message reads as a field message ("must be …"). */
export class OutboundUrlRefused extends Error {
  override name = 'OutboundUrlRefused';
}

export type OutboundFetch = (url: string, init: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

// Everything that is not the public internet (IANA special-purpose registries). BlockList also
// matches IPv4-mapped IPv6 (::ffff:10.0.0.1) against the IPv4 rules.
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. the unspecified 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  const withoutZone = address.split('%')[0].toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(withoutZone);
  const hex = dotted
    ? withoutZone.slice(0, dotted.index) + `${((+dotted[1] << 8) | +dotted[2]).toString(16)}:${((+dotted[3] << 8) | +dotted[4]).toString(16)}`
    : withoutZone;
  const [head, tail] = hex.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/** The IPv4 address a translating IPv6 address leads to (NAT64 64:ff9b::/96, 6to4 2002::/16). */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  const pair = nat64 ? [g[6], g[7]] : g[0] === 0x2002 ? [g[1], g[2]] : null;
  return pair ? [pair[0] >> 8, pair[0] & 255, pair[1] >> 8, pair[1] & 255].join('.') : null;
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const isLoopback = (address: string) => LOOPBACK.check(address, familyOf(address));

function isInternal(raw: string): boolean {
  const address = raw.split('%')[0];
  const family = familyOf(address);
  if (INTERNAL.check(address, family)) return true;
  const ipv4 = family === 'ipv6' ? embeddedIpv4(address) : null;
  return ipv4 !== null && INTERNAL.check(ipv4, 'ipv4');
}

const NOT_PUBLIC = 'must be reachable at a public address (loopback, private, link-local and other internal addresses are refused)';

/** Every address of `hostname`, or a refusal when one of them may not be called. */
async function resolveChecked(hostname: string, policy: OutboundPolicy): Promise<{ address: string; family: number }[]> {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await (policy.resolve ?? ((name) => dnsLookup(name, { all: true, verbatim: true })))(bare);
    } catch {
      addresses = [];
    }
  }
  if (addresses.length === 0) throw new OutboundUrlRefused(NOT_PUBLIC);
  // Never an address picked from a partly internal answer: one internal address refuses the name.
  for (const { address } of addresses) {
    if (isInternal(address) && !(policy.allowLoopback && isLoopback(address))) throw new OutboundUrlRefused(NOT_PUBLIC);
  }
  return addresses;
}

/**
 * Checks a provider base URL before anything is sent to it: https (http only to loopback when the
 * policy allows loopback), no user info, and a name whose every address is public.
 */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlRefused('must be an https URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback)) throw new OutboundUrlRefused('must be an https URL');
  if (url.username || url.password) throw new OutboundUrlRefused('must not contain a user name or password');
  const addresses = await resolveChecked(url.hostname, policy);
  if (url.protocol === 'http:' && addresses.some(({ address }) => !isLoopback(address))) {
    throw new OutboundUrlRefused('must be an https URL');
  }
  return url;
}

/** The lookup the socket connects with: the same check, so the connection goes to a checked address. */
function checkedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, policy).then(
      (all) => {
        const fitting = options.family ? all.filter((a) => a.family === options.family) : all;
        if (fitting.length === 0) return callback(new OutboundUrlRefused(NOT_PUBLIC), '', 0);
        if (options.all) return callback(null, fitting);
        callback(null, fitting[0].address, fitting[0].family);
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}

/** Bodies larger than this are cut off: a hostile endpoint must not fill our memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function toResponse(message: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i], message.rawHeaders[i + 1]);
  const status = message.statusCode ?? 502;
  if (NULL_BODY_STATUS.has(status)) {
    message.resume();
    return new Response(null, { status, headers });
  }
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > MAX_BODY_BYTES ? new Error('The response body is too large.') : null, chunk);
    },
  });
  const chunks = pipeline(message, limit, () => undefined)[Symbol.asyncIterator]();
  // Not Readable.toWeb: cancelling its stream right after the body ended throws "Controller is
  // already closed" outside any promise, which would take the whole process down.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value as Buffer));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return new Response(body, { status, headers });
}

/**
 * A fetch for user-supplied provider URLs: checks the URL first, connects only to checked
 * addresses, and hands redirects back as they are (a 3xx response) instead of following them.
 */
export function createOutboundFetch(policy: OutboundPolicy): OutboundFetch {
  // Own keep-alive agents, so a socket is only ever reused for requests made under this policy;
  // idle sockets close after 30 s.
  const agents = { https: new HttpsAgent({ keepAlive: true, timeout: 30_000 }), http: new HttpAgent({ keepAlive: true, timeout: 30_000 }) };
  const lookup = checkedLookup(policy);
  return async (raw, init) => {
    const url = await checkOutboundUrl(raw, policy);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = url.protocol === 'https:' ? agents.https : agents.http;
    return new Promise<Response>((resolve, reject) => {
      const request = send(url, { method: 'GET', headers: init.headers, agent, lookup, signal: init.signal }, (message) => resolve(toResponse(message)));
      request.on('error', reject);
      request.end();
    });
  };
}
