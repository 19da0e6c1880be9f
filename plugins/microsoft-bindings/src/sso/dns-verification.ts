// Proof that a tenant controls a domain: a DNS TXT record at the domain holding the value we issued.
// Lookups go through node:dns's resolver (servers configurable, bounded timeout) and come back as
// one of three outcomes, because they mean different things: the value is there; the DNS answered
// definitively without it (no record, or only other values); or the DNS did not answer (try later).
import { Resolver } from 'node:dns/promises';

export interface DnsOptions {
  /** `ip` or `ip:port` ([v6]:port) entries; the system's resolvers when absent. */
  servers?: string[];
  /** Per try; two tries. */
  timeoutMs?: number;
}

export type TxtCheck =
  | { outcome: 'found' }
  /** The DNS answered: the name has no TXT records (or does not exist), or none with our value. */
  | { outcome: 'missing'; records: number; ourPrefixWithOtherValue: boolean }
  /** No usable answer (timeout, SERVFAIL, refused, unreachable): says nothing about the record. */
  | { outcome: 'unavailable'; reason: string };

export interface TxtVerifier {
  check(domain: string, expected: string): Promise<TxtCheck>;
}

/** Errors that are the DNS's definitive answer "there is no such record" (c-ares codes via node:dns). */
const DEFINITIVE = new Set(['ENOTFOUND', 'ENODATA']);

const REASONS: Record<string, string> = {
  ETIMEOUT: 'the DNS server did not answer in time',
  ESERVFAIL: 'the DNS server reported a failure (SERVFAIL)',
  EREFUSED: 'the DNS server refused the query',
  ECONNREFUSED: 'the DNS server could not be reached',
};

export function createTxtVerifier(options: DnsOptions = {}): TxtVerifier {
  return {
    async check(domain, expected) {
      // A resolver per check: setServers is per instance, and cancel() of one lookup never hits another.
      const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
      if (options.servers?.length) resolver.setServers(options.servers);
      let records: string[][];
      try {
        records = await resolver.resolveTxt(domain);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (DEFINITIVE.has(code)) return { outcome: 'missing', records: 0, ourPrefixWithOtherValue: false };
        return { outcome: 'unavailable', reason: REASONS[code] ?? `the DNS lookup failed (${code || 'unknown error'})` };
      }
      // A TXT record is one or more character-strings of at most 255 bytes (RFC 1035 §3.3.14); a
      // longer value is split across them, so the record's value is their concatenation.
      const values = records.map((chunks) => chunks.join(''));
      if (values.includes(expected)) return { outcome: 'found' };
      const prefix = expected.slice(0, expected.indexOf('=') + 1);
      return { outcome: 'missing', records: values.length, ourPrefixWithOtherValue: values.some((v) => v.startsWith(prefix)) };
    },
  };
}
