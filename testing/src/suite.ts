// `npm test`: one PostgreSQL server for the whole run (the embedded one in a temporary folder, or
// the server at TEST_DATABASE_URL), one template database migrated once (Switchboard's migrations
// and pg-boss's schema), then tap with as many test processes as the machine has CPUs. Each test
// file copies the template (`CREATE DATABASE … TEMPLATE …`, see createTestDatabase) instead of
// migrating its own. Arguments go to tap (`npm run test:files -- plugins/core/src/services/users.test.ts`).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import PgBoss from 'pg-boss';
import { migrateToLatest, openDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '@switchboard/db';
import { databaseOn, onServer, TEST_SERVER_SETTINGS } from './index.js';

let embedded: EmbeddedPostgres | undefined;
let embeddedDir: string | undefined;
let serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) {
  embeddedDir = mkdtempSync(join(tmpdir(), 'sb-suite-pg-'));
  embedded = await startEmbeddedPostgres(embeddedDir, { settings: TEST_SERVER_SETTINGS });
  serverUrl = embedded.connectionString;
}

const template = `sb_template_${randomBytes(6).toString('hex')}`;
let code = 1;
try {
  await onServer(serverUrl, `CREATE DATABASE ${template}`);
  const templateUrl = databaseOn(serverUrl, template);
  const database = await openDatabase({ databaseUrl: templateUrl, poolSize: 1 });
  await migrateToLatest(database.db);
  await database.close();
  const boss = new PgBoss({ connectionString: templateUrl, max: 1, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });

  const jobs = process.env.TEST_JOBS ?? String(availableParallelism());
  const tap = spawn('npx', ['tap', `--jobs=${jobs}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: serverUrl, TEST_TEMPLATE_DATABASE: template },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => tap.kill(signal));
  code = await new Promise<number>((done) => tap.once('exit', (exitCode) => done(exitCode ?? 1)));
} finally {
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
  await embedded?.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
}
process.exit(code);
