// `npm start`: build the web app if missing, answer "starting" on the port while the database is
// waited for, migrate, create the first admin if needed, then hand the port to the app.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '@switchboard/db';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { firstAdminAtStart } from './bootstrap.js';
import { shutDownGracefully } from './process-faults.js';
import { listenWhileStarting } from './starting-responder.js';
import { loadStartupConfig, openConfiguredDatabase, readyApp, whenDatabaseAnswers } from './start.js';
import { DEFAULT_WEB_DIST } from './web.js';

const { config, keyring, log } = loadStartupConfig();

const webDist = config.SWITCHBOARD_WEB_DIST ?? DEFAULT_WEB_DIST;
if (!config.SWITCHBOARD_WEB_DIST && !existsSync(`${webDist}/index.html`)) {
  console.log('Building the web app (first start)…');
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync('npm', ['run', 'build', '-w', '@switchboard/web'], { cwd: root, stdio: 'inherit' });
}

const starting = await listenWhileStarting(config.PORT, config.HOST).catch((err: Error) => {
  log.fatal(`Could not listen on ${config.HOST}:${config.PORT}: ${err.message}`);
  process.exit(1);
});
const database = await openConfiguredDatabase(config, log, 'server');
let app: FastifyInstance | undefined;
shutDownGracefully({
  log,
  delayMs: 15_000,
  async close() {
    await starting.close();
    await app?.close(); // stops accepting, drains in-flight requests, stops workers
    await database.close();
  },
});

let warnedAboutAdminSettings = false; // the step below is retried while the database is away
app = await whenDatabaseAnswers(log, database, async () => {
  await migrateToLatest(database.db);
  await firstAdminAtStart(
    database.db,
    { email: config.SWITCHBOARD_ADMIN_EMAIL, password: config.SWITCHBOARD_ADMIN_PASSWORD },
    {
      warn: (message) => {
        if (!warnedAboutAdminSettings) log.warn(message);
        warnedAboutAdminSettings = true;
      },
      print: (line) => console.log(line),
    },
  );
  return readyApp(() => buildApp({ config, database, keyring }));
});

// The port is unanswered for the moment between the two listeners; clients retry a refused connect.
await starting.close();
await app.listen({ port: config.PORT, host: config.HOST });
app.log.info(
  { edition: config.EDITION, database: database.kind, dataDir: database.kind === 'embedded' ? config.dataDir : undefined },
  `Switchboard is running at ${config.publicUrl}`,
);
