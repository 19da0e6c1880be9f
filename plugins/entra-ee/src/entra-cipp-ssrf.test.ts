// A CIPP base URL is the user's, so it must not reach inside our network: on a production server
// (loopback setting off) internal targets are refused with a field message before any token is
// requested or any connection is made; with the dev setting on, remote bodies still never reach an
// error message and redirects are not followed.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import t from 'tap';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { entraApp, seedEntraTenant, seedPartnerFor } from '@switchboard/testing/entra';

const CIPP_SECRET = 'Cipp~api-client-secret-ssrf-never-logged-58';
const REMOTE_BODY = 'internal-admin-page root:x:0:0 do-not-echo';
const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 1, usersPerCustomer: 2, seed: 58 });
const cippApp = ms.identity.addApp({ homeTenantId: partner.partner.id, clientSecrets: [CIPP_SECRET], displayName: 'CIPP-API' });
const body = (baseUrl: string) => ({ kind: 'cipp', baseUrl, clientId: cippApp.clientId, clientSecret: CIPP_SECRET, tenantId: partner.partner.id });

/** A TCP listener on every local address (IPv4 and IPv6) that counts the connections it gets. */
async function countingListener() {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

const microsoftRequests = () => Object.values(ms.controls.counts()).reduce((a, b) => a + b, 0);

t.test('production: internal targets are refused with a field message; nothing is contacted', async (t) => {
  // Unset, as in production: loadConfig reads an empty value as unset, and the default is off.
  const ctx = await entraApp(t, ms, { env: { SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: '' } });
  const { admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-ssrf');
  const target = await countingListener();
  const before = microsoftRequests();
  const refused = [
    `https://127.0.0.1:${target.port}`,
    `https://localhost:${target.port}`, // a name that resolves to 127.0.0.1
    `https://[::1]:${target.port}`,
    `https://[::ffff:127.0.0.1]:${target.port}`,
    `https://0.0.0.0:${target.port}`,
    'https://10.0.0.1',
    'https://192.168.1.1',
    'https://172.16.0.1',
    'https://169.254.169.254', // cloud metadata
    'https://[fe80::1]',
    'https://[fd00::1]',
    'https://224.0.0.1',
  ];
  for (const baseUrl of refused) {
    const res = await admin.request('POST', '/api/integrations/entra/connection', body(baseUrl));
    t.equal(res.statusCode, 400, baseUrl);
    t.match(res.json().fields, [{ field: 'baseUrl', message: /public address/ }], baseUrl);
  }
  const plain = await admin.request('POST', '/api/integrations/entra/connection', body(`http://127.0.0.1:${target.port}`));
  t.same(plain.json().fields, [{ field: 'baseUrl', message: 'must be an https URL' }], 'plain http is refused in production');
  const userInfo = await admin.request('POST', '/api/integrations/entra/connection', body('https://user:pass@cipp.example.com'));
  t.same(userInfo.json().fields, [{ field: 'baseUrl', message: 'must not contain a user name or password' }]);

  t.equal(target.connections(), 0, 'the internal target saw no connection at all');
  t.equal(microsoftRequests(), before, 'no token was requested for a refused target');
  t.equal((await admin.request('GET', '/api/integrations/entra/connection')).json().connection, null, 'nothing stored');
});

t.test('dev setting: a remote body never reaches the error, and redirects are not followed', async (t) => {
  const ctx = await entraApp(t, ms);
  const { admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-ssrf-dev');
  const elsewhere = await countingListener();
  let authorization: string | undefined;
  const fake = createHttpServer((request, reply) => {
    authorization = request.headers.authorization;
    if (request.url?.startsWith('/redirecting/')) return reply.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/api/ListTenants` }).end();
    reply.writeHead(500, { 'content-type': 'text/plain' }).end(REMOTE_BODY);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => fake.close(() => resolve())));
  const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;

  const failed = await admin.request('POST', '/api/integrations/entra/connection', body(url));
  t.equal(failed.statusCode, 400);
  t.equal(failed.json().message, 'CIPP did not accept these settings: CIPP ListTenants answered 500');
  t.notOk(ctx.logs.join('\n').includes('do-not-echo'), 'nor does it reach the log');
  t.match(authorization, /^Bearer /, 'the fake CIPP was called, with the token, because loopback is allowed here');

  const redirected = await admin.request('POST', '/api/integrations/entra/connection', body(`${url}/redirecting`));
  t.equal(redirected.json().message, 'CIPP did not accept these settings: CIPP ListTenants answered 302');
  t.equal(elsewhere.connections(), 0, 'the redirect target was never contacted');
  t.notOk(redirected.body.includes(CIPP_SECRET) || failed.body.includes(CIPP_SECRET));
});
