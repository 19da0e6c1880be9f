// `npm run worker`: a worker-only process (jobs and the outbox relay, no HTTP) against a shared
// PostgreSQL (DATABASE_URL), or beside `npm start` on the same machine through its embedded one.
// Run as many as you like; each waits for the database to be up.
import { migrateToLatest } from '@switchboard/db';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { shutDownGracefully } from './process-faults.js';
import { loadStartupConfig, openConfiguredDatabase, readyApp, whenDatabaseAnswers } from './start.js';

process.env.SWITCHBOARD_WORKERS = 'inline';
const { config, keyring, log } = loadStartupConfig();
const database = await openConfiguredDatabase(config, log, 'worker');
let app: FastifyInstance | undefined;
shutDownGracefully({
  log,
  delayMs: 30_000,
  async close() {
    await app?.close();
    await database.close();
  },
});

app = await whenDatabaseAnswers(log, database, async () => {
  await migrateToLatest(database.db);
  return readyApp(() => buildApp({ config, database, keyring, serveWeb: false }));
});
app.log.info({ edition: config.EDITION }, 'worker started');
