// The DNS emulator through node:dns's real resolver: TXT answers (split and joined as RFC 1035
// character-strings), NXDOMAIN and NODATA, SERVFAIL and silence, TCP for an answer too big for UDP,
// and the HTTP control the demo uses.
import t from 'tap';
import { Resolver } from 'node:dns/promises';
import { startDnsControl, startDnsEmulator } from './index.js';

const dns = await startDnsEmulator();
t.teardown(dns.close);

const resolver = (timeout = 3000) => {
  const r = new Resolver({ timeout, tries: 1 });
  r.setServers([dns.server]);
  return r;
};
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: NodeJS.ErrnoException) => err.code);

t.test('TXT records come back as published; a long value is split into 255-byte strings', async (t) => {
  const long = `v=${'x'.repeat(600)}`;
  dns.setTxt('Example.TEST', ['switchboard-domain-verification=abc', ['first part ', 'second part'], long]);
  const records = await resolver().resolveTxt('example.test');
  t.same(records.slice(0, 2), [['switchboard-domain-verification=abc'], ['first part ', 'second part']]);
  t.same(records[2].map((s) => s.length), [255, 255, 92], 'three character-strings of at most 255 bytes');
  t.equal(records[2].join(''), long);
});

t.test('an answer too big for a datagram is truncated over UDP and served over TCP', async (t) => {
  const values = Array.from({ length: 12 }, (_, i) => `record-${i}-${'y'.repeat(60)}`);
  dns.setTxt('big.test', values);
  const records = await resolver().resolveTxt('big.test');
  t.same(records.map((r) => r.join('')).sort(), [...values].sort());
  t.equal(dns.queries('big.test'), 2, 'one query over UDP, the retry over TCP');
});

t.test('unknown names are NXDOMAIN; a name without TXT records is NODATA', async (t) => {
  t.equal(await codeOf(resolver().resolveTxt('unknown.test')), 'ENOTFOUND');
  dns.setTxt('empty.test', []);
  t.equal(await codeOf(resolver().resolveTxt('empty.test')), 'ENODATA');
  dns.setTxt('other-type.test', ['a value']);
  t.equal(await codeOf(resolver().resolve4('other-type.test')), 'ENODATA');
});

t.test('faults: SERVFAIL, REFUSED, and no answer at all (a timeout)', async (t) => {
  dns.setTxt('faulty.test', ['value']);
  dns.fail('faulty.test', 'servfail');
  t.equal(await codeOf(resolver().resolveTxt('faulty.test')), 'ESERVFAIL');
  dns.fail('faulty.test', 'refused');
  t.equal(await codeOf(resolver().resolveTxt('faulty.test')), 'EREFUSED');
  dns.fail('faulty.test', 'no_answer');
  t.equal(await codeOf(resolver(200).resolveTxt('faulty.test')), 'ETIMEOUT');
  dns.fail('faulty.test', null);
  t.same(await resolver().resolveTxt('faulty.test'), [['value']], 'answers again once the fault is lifted');
  dns.clear('faulty.test');
  t.equal(await codeOf(resolver().resolveTxt('faulty.test')), 'ENOTFOUND', 'cleared: unknown again');
});

t.test('the HTTP control publishes, lists and removes records', async (t) => {
  const control = await startDnsControl(dns);
  t.teardown(control.close);
  const put = await fetch(`${control.url}/_emulator/dns/txt/by-http.test`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: ['hello'] }) });
  t.equal(put.status, 204);
  t.same(await resolver().resolveTxt('by-http.test'), [['hello']]);
  t.same(((await (await fetch(`${control.url}/_emulator/dns/txt`)).json()) as Record<string, unknown>)['by-http.test'], [['hello']]);
  const bad = await fetch(`${control.url}/_emulator/dns/txt/by-http.test`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: 'hello' }) });
  t.equal(bad.status, 400);
  t.equal((await fetch(`${control.url}/_emulator/dns/txt/by-http.test`, { method: 'DELETE' })).status, 204);
  t.equal(await codeOf(resolver().resolveTxt('by-http.test')), 'ENOTFOUND');
});
