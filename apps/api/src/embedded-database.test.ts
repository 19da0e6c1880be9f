// The embedded PostgreSQL as an operator meets it, through the real processes: `npm start` creates
// it and keeps data across a stop and a start; a second server on the same data directory is
// refused; `npm run worker` joins the running server's database; after `kill -9` of the server its
// PostgreSQL is left running, and the next start stops that one and carries on with the data.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureSecret } from '@switchboard/testing';
import { eventually, signInSpawned, spawnServer, type SpawnedServer } from '@switchboard/testing/spawned-server';

const dataDir = mkdtempSync(join(tmpdir(), 'sb-embedded-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const secretKey = randomBytes(32).toString('base64');
captureSecret(secretKey);
// No DATABASE_URL: the processes use the embedded database in dataDir.
const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_SECRET_KEY: secretKey };

const postmasterPid = () => {
  const lockFile = join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(lockFile) ? Number(readFileSync(lockFile, 'utf8').split('\n')[0]) : undefined;
};
const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startServer(): Promise<SpawnedServer> {
  const server = await spawnServer('main.ts', env);
  t.teardown(() => server.stop());
  await eventually('the server is ready', async () => (await server.request('/readyz')).ok, { server });
  return server;
}

t.test('stop and start keep the data; a second server is refused; a worker joins; kill -9 leaves a database the next start uses', async (t) => {
  const first = await startServer();
  t.ok(existsSync(join(dataDir, 'pg', 'PG_VERSION')), 'the cluster is created in the data directory');
  const request = await signInSpawned(first);
  const created = await request('POST', '/api/clients', { name: 'Kept Across Restarts Ltd' });
  t.equal(created.status, 201);
  const { id: clientId } = (await created.json()) as { id: string };

  const second = await spawnServer('main.ts', env);
  t.teardown(() => second.stop());
  await eventually('the second server exits', async () => second.exit, { timeoutMs: 60_000 });
  t.equal(second.exit?.code, 1, 'a second server on the same data directory exits');
  t.match(second.lines.join('\n'), `is in use by another Switchboard process`, 'saying why');
  t.equal((await first.request('/readyz')).status, 200, 'and the first one is untouched');

  const worker = await spawnServer('worker-main.ts', env);
  t.teardown(() => worker.stop());
  await eventually('the worker joins the running server', async () => worker.lines.some((l) => l.includes('worker started')), { server: worker });
  await worker.stop();

  await first.stop();
  t.notOk(alive(postmasterPid()), 'a graceful stop stops PostgreSQL too');
  t.notOk(existsSync(join(dataDir, 'switchboard-server.json')), 'and releases the data directory');

  const restarted = await startServer();
  const request2 = await signInSpawned(restarted);
  t.equal((await request2('GET', `/api/clients/${clientId}`)).status, 200, 'the data is there after a stop and a start');
  const killedPostgres = postmasterPid();
  restarted.kill('SIGKILL');
  await eventually('the server is gone', async () => restarted.exit);
  t.ok(alive(killedPostgres), 'kill -9 of the server leaves its PostgreSQL running');

  const afterCrash = await startServer();
  t.notOk(alive(killedPostgres), 'the next start stopped the PostgreSQL the killed server left');
  t.not(postmasterPid(), killedPostgres, 'and runs its own');
  const request3 = await signInSpawned(afterCrash);
  const res = await request3('GET', `/api/clients/${clientId}`);
  t.equal(res.status, 200, 'the data is there after kill -9');
  t.match(await res.json(), { name: 'Kept Across Restarts Ltd' });
});
