import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';

t.test('defaults give a CE server on port 3000 with the embedded database', async (t) => {
  const c = loadConfig({});
  t.equal(c.EDITION, 'ce');
  t.equal(c.PORT, 3000);
  t.equal(c.DATABASE_URL, undefined);
  t.equal(c.SWITCHBOARD_WORKERS, 'inline');
  t.match(c.dataDir, /\/data$/);
  t.match(c.keyFile, /\/data\/secret\.key$/);
  t.equal(c.publicUrl, 'http://localhost:3000');
  t.equal(c.cookieSecure, false);
});

t.test('an https public URL makes the session cookie secure', async (t) => {
  t.equal(loadConfig({ PUBLIC_URL: 'https://sb.example.com/' }).cookieSecure, true);
  t.equal(loadConfig({ PUBLIC_URL: 'https://sb.example.com/' }).publicUrl, 'https://sb.example.com');
});

t.test('each bad variable is named in the error', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ EDITION: 'enterprise' }, /EDITION: must be "ce" or "ee"/],
    [{ PORT: 'eighty' }, /PORT: must be a port number/],
    [{ PORT: '70000' }, /PORT: must be a port number/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [{ SWITCHBOARD_ADMIN_PASSWORD: 'long-enough-password' }, /SWITCHBOARD_ADMIN_EMAIL: is required/],
    [{ SWITCHBOARD_ADMIN_EMAIL: 'a@b.co', SWITCHBOARD_ADMIN_PASSWORD: 'short' }, /SWITCHBOARD_ADMIN_PASSWORD: must be at least 12/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY: must be true or false/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL: must be a URL/],
    [{ SWITCHBOARD_DNS_SERVERS: 'dns.example.com' }, /SWITCHBOARD_DNS_SERVERS: must be comma-separated IP addresses/],
    [{ SWITCHBOARD_DNS_SERVERS: '1.1.1.1,127.0.0.1:99999' }, /SWITCHBOARD_DNS_SERVERS: must be comma-separated IP addresses/],
    [{ SWITCHBOARD_DNS_TIMEOUT_MS: '5' }, /SWITCHBOARD_DNS_TIMEOUT_MS: must be at least 100/],
  ];
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env));
  }
});

t.test('DNS servers for login-domain verification: the system resolvers unless set, ip or ip:port entries', async (t) => {
  t.same(loadConfig({}).dns, { servers: undefined, timeoutMs: 3000 });
  t.same(loadConfig({ SWITCHBOARD_DNS_SERVERS: ' 1.1.1.1, 127.0.0.1:5353,[::1]:53 ,2001:db8::1', SWITCHBOARD_DNS_TIMEOUT_MS: '500' }).dns, {
    servers: ['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '2001:db8::1'],
    timeoutMs: 500,
  });
});

t.test('empty variables count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '', EDITION: '' }).EDITION, 'ce');
});

t.test('the server refuses to start on bad configuration, exiting non-zero with the message', async (t) => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const res = spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, EDITION: 'enterprise', PORT: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(res.status, 1);
  t.match(res.stderr, /Invalid configuration:\n\s+EDITION: must be "ce" or "ee"/);
});

t.test('a bad secret key stops start-up with a message that does not echo the key', async (t) => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const res = spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, SWITCHBOARD_SECRET_KEY: 'dG9vLXNob3J0', PORT: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.not(res.status, 0);
  t.match(res.stderr, /SWITCHBOARD_SECRET_KEY must be 32 bytes encoded as base64/);
  t.notMatch(res.stderr, /dG9vLXNob3J0/);
});
