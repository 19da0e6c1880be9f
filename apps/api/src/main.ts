// `npm start`: migrate, create the first admin if needed, build the web app if missing, serve.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ensureFirstAdmin } from './bootstrap.js';
import { prepareRuntime } from './start.js';
import { DEFAULT_WEB_DIST } from './web.js';

const { config, database, keyring } = await prepareRuntime();

const admin = await ensureFirstAdmin(database.db, { email: config.SWITCHBOARD_ADMIN_EMAIL, password: config.SWITCHBOARD_ADMIN_PASSWORD });
if (admin) {
  // Printed once, to the terminal only (never to the structured log).
  console.log(`\nCreated the first admin: ${admin.email}`);
  if (admin.generatedPassword) console.log(`Password (shown once, change it after signing in): ${admin.generatedPassword}\n`);
}

const webDist = config.SWITCHBOARD_WEB_DIST ?? DEFAULT_WEB_DIST;
if (!config.SWITCHBOARD_WEB_DIST && !existsSync(`${webDist}/index.html`)) {
  console.log('Building the web app (first start)…');
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync('npm', ['run', 'build', '-w', '@switchboard/web'], { cwd: root, stdio: 'inherit' });
}

const app = await buildApp({ config, database, keyring });

closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close(); // stops accepting, drains in-flight requests, stops workers
  await database.close();
});

await app.listen({ port: config.PORT, host: config.HOST });
app.log.info(
  { edition: config.EDITION, database: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined },
  `Switchboard is running at ${config.publicUrl}`,
);
