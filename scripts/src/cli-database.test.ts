import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { openInstallDatabase } from './cli-database.js';

// The tool must use the embedded database even where the suite runs against PostgreSQL.
delete process.env.DATABASE_URL;

t.test('a tool never creates an empty database where none was', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-cli-empty-'));
  await t.rejects(openInstallDatabase(['--data-dir', dataDir, 'list']), /There is no Switchboard database in .*--data-dir/);
  t.notOk(existsSync(join(dataDir, 'pgdata')), 'no database files were made');
});

t.test('while a server holds the embedded database, a tool works through it', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-cli-held-'));
  // The "server": another process that opens the data directory, migrates and keeps it open.
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { openDatabase, migrateToLatest } from '@switchboard/db';
       const d = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
       await migrateToLatest(d.db);
       await d.db.insertInto('tenants').values({ name: 'Held MSP' }).execute();
       console.log('ready');
       process.on('SIGTERM', async () => { await d.close(); process.exit(0); });
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.teardown(() => {
    server.kill('SIGTERM');
  });
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  t.match(chunk.toString(), 'ready');

  const { database, args } = await openInstallDatabase([`--data-dir=${dataDir}`, 'list', 'x']);
  t.same(args, ['list', 'x'], 'the data-dir flag is taken out of the arguments');
  const tenants = await database.db.selectFrom('tenants').select('name').execute();
  t.same(tenants, [{ name: 'Held MSP' }], 'the tool reads the live database through the server');
  await database.close();
  t.equal(server.exitCode, null, 'closing the tool leaves the server running');
  const again = await openInstallDatabase(['--data-dir', dataDir]);
  t.same((await sql<{ n: number }>`select 1 as n`.execute(again.database.db)).rows, [{ n: 1 }], 'and again, as often as needed');
  await again.database.close();
});
