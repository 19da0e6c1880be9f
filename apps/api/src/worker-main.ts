// `npm run worker`: a worker-only process (jobs and the outbox relay, no HTTP) against a shared
// PostgreSQL. Run as many as you like on as many machines.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { prepareRuntime } from './start.js';

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL: a worker process needs a shared PostgreSQL; the embedded database serves only `npm start`.');
  process.exit(1);
}
process.env.SWITCHBOARD_WORKERS = 'inline';
const { config, database, keyring } = await prepareRuntime();
const app = await buildApp({ config, database, keyring, serveWeb: false });
await app.ready();
app.log.info({ edition: config.EDITION }, 'worker started');

closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'worker shutting down after an error');
  else app.log.info({ signal }, 'worker shutting down');
  await app.close();
  await database.close();
});
