// An HTTP control for a running DNS emulator, for the demo (where no test holds the emulator object):
// list, publish and remove TXT records, e.g. to verify another login domain by hand.
import Fastify from 'fastify';
import { listenLocal, type Listening } from '../listen.js';
import type { DnsEmulator } from './server.js';

const NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/i;

export async function startDnsControl(dns: DnsEmulator, options: { port?: number; host?: string } = {}): Promise<Listening> {
  const app = Fastify({ logger: false });
  const nameOf = (params: unknown) => {
    const name = (params as { name: string }).name;
    if (!NAME.test(name)) throw Object.assign(new Error(`"${name}" is not a domain name`), { statusCode: 400 });
    return name;
  };
  app.get('/_emulator/dns/txt', async () => dns.records());
  app.put('/_emulator/dns/txt/:name', async (req, reply) => {
    const records = (req.body as { records?: unknown } | null)?.records;
    if (!Array.isArray(records) || !records.every((r) => typeof r === 'string')) return reply.code(400).send({ message: 'send {"records": ["one TXT value", ...]}' });
    dns.setTxt(nameOf(req.params), records as string[]);
    return reply.code(204).send();
  });
  app.delete('/_emulator/dns/txt/:name', async (req, reply) => {
    dns.clear(nameOf(req.params));
    return reply.code(204).send();
  });
  return listenLocal(app, options);
}
