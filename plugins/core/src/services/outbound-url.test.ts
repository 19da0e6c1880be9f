// Calls to user-supplied provider URLs: which targets are refused, and that the connection goes to
// the address that was checked (a name whose DNS answer changes after the check cannot slip an
// internal address in).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { checkOutboundUrl, createOutboundFetch, OutboundUrlRefused } from './outbound-url.js';

const production = { allowLoopback: false };
const dev = { allowLoopback: true };

async function listener(t: Test) {
  const seen: string[] = [];
  const server = createServer((request, reply) => {
    seen.push(`${request.method} ${request.url} ${request.headers.host}`);
    reply.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, seen };
}

const refusal = async (url: string, policy = production) => {
  try {
    await checkOutboundUrl(url, policy);
    return null;
  } catch (err) {
    if (!(err instanceof OutboundUrlRefused)) throw err;
    return err.message;
  }
};

t.test('production refuses every internal address, literal or resolved, and plain http', async (t) => {
  for (const url of [
    'https://127.0.0.1',
    'https://127.8.9.10',
    'https://localhost',
    'https://[::1]',
    'https://[::]',
    'https://0.0.0.0',
    'https://[::ffff:10.0.0.1]', // IPv4-mapped IPv6
    'https://[64:ff9b::a9fe:a9fe]', // NAT64 of 169.254.169.254
    'https://[2002:c0a8:101::1]', // 6to4 of 192.168.1.1
    'https://169.254.169.254',
    'https://100.64.0.1',
    'https://2130706433', // 127.0.0.1 written as a number
    'https://[fe80::1]',
    'https://[ff02::1]',
  ]) {
    t.match(await refusal(url), /public address/, url);
  }
  t.equal(await refusal('http://8.8.8.8'), 'must be an https URL');
  t.equal(await refusal('not a url'), 'must be an https URL');
  t.equal(await refusal('https://8.8.8.8'), null, 'a public address passes');
  t.equal(await refusal('https://[2606:4700:4700::1111]'), null, 'so does a public IPv6 address');
  const partlyInternal = { allowLoopback: false, resolve: async () => [{ address: '8.8.8.8', family: 4 }, { address: '10.1.1.1', family: 4 }] };
  t.match(await refusal('https://cipp.example.com', partlyInternal), /public address/, 'one internal address in the answer refuses the name');
});

t.test('the dev setting allows loopback (http too) and nothing else internal', async (t) => {
  t.equal(await refusal('http://127.0.0.1:9', dev), null);
  t.equal(await refusal('http://localhost:9', dev), null);
  t.match(await refusal('https://10.0.0.1', dev), /public address/);
  t.equal(await refusal('http://8.8.8.8', dev), 'must be an https URL', 'http stays loopback-only');
});

t.test('the connection goes to the checked address: a DNS answer that changes later is refused', async (t) => {
  const target = await listener(t);
  // A rebinding name: public when checked, loopback when the socket connects.
  let answers = 0;
  const rebinding = { allowLoopback: false, resolve: async () => [{ address: answers++ === 0 ? '8.8.8.8' : '127.0.0.1', family: 4 }] };
  const fetchRebinding = createOutboundFetch(rebinding);
  await t.rejects(fetchRebinding(`https://rebind.example.com:${target.port}/api/ListTenants`, {}), OutboundUrlRefused);
  t.ok(answers >= 2, 'the name was resolved again when connecting');
  t.same(target.seen, [], 'the loopback listener got nothing');

  // And the address the check resolved is the one connected to: this name exists nowhere else.
  const pinned = createOutboundFetch({ allowLoopback: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
  const response = await pinned(`http://cipp.invalid:${target.port}/api/ListTenants?tenantFilter=x`, { headers: { authorization: 'Bearer t' } });
  t.equal(response.status, 200);
  t.same(await response.json(), { ok: true });
  t.same(target.seen, [`GET /api/ListTenants?tenantFilter=x cipp.invalid:${target.port}`]);
});

t.test('redirects come back as they are, never followed', async (t) => {
  const target = await listener(t);
  const redirecting = createServer((_request, reply) => reply.writeHead(307, { location: `http://127.0.0.1:${target.port}/` }).end());
  await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => redirecting.close(() => resolve())));
  const response = await createOutboundFetch(dev)(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`, {});
  t.equal(response.status, 307);
  t.same(target.seen, []);
});

t.test('a body can be read, or cancelled at any moment without taking the process down', async (t) => {
  const server = createServer((request, reply) => {
    reply.writeHead(request.url === '/json' ? 200 : 429, { 'retry-after': '1' }).end(request.url === '/json' ? '{"ok":true}' : 'x'.repeat(request.url === '/big' ? 200_000 : 4));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = createOutboundFetch(dev);
  t.same(await (await send(`${base}/json`, {})).json(), { ok: true });
  t.equal((await (await send(`${base}/big`, {})).text()).length, 200_000);
  const uncaught: Error[] = [];
  const onUncaught = (err: Error) => uncaught.push(err);
  process.prependListener('uncaughtException', onUncaught);
  t.teardown(() => void process.removeListener('uncaughtException', onUncaught));
  // Cancelled at once (the small body has usually ended by then), after a tick, and mid-way.
  for (const path of ['/small', '/big']) {
    for (const wait of [0, 1, 20]) {
      const response = await send(`${base}${path}`, {});
      if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
      await response.body?.cancel();
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(uncaught.map((e) => e.message), [], 'no uncaught error');
});
