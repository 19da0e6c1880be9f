// `npm run flags`: lists and sets flags on the install's own database (the data directory `npm start`
// uses, or --data-dir), through a running server when one holds it, and refuses, without creating
// anything, where there is no database.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { migrateToLatest, openDatabase } from '@switchboard/db';

const script = fileURLToPath(new URL('./feature-flags.ts', import.meta.url));

/** Runs the tool as an operator would, on the embedded database (never the suite's DATABASE_URL). */
async function flags(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DATABASE_URL: _url, SWITCHBOARD_DATA_DIR: _dir, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A stopped install: a data directory holding a migrated database with two tenants. */
async function stoppedInstall(): Promise<{ dataDir: string; tenantId: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-flags-'));
  const database = await openDatabase({ dataDir });
  try {
    await migrateToLatest(database.db);
    const tenant = await database.db.insertInto('tenants').values({ name: 'Northwind MSP' }).returning('id').executeTakeFirstOrThrow();
    await database.db.insertInto('tenants').values({ name: 'Contoso MSP' }).execute();
    return { dataDir, tenantId: tenant.id };
  } finally {
    await database.close();
  }
}

async function storedOverrides(dataDir: string) {
  const database = await openDatabase({ dataDir });
  try {
    return {
      overrides: await database.db.selectFrom('feature_flag_tenants').select(['flag_key', 'tenant_id', 'enabled']).execute(),
      audit: await database.db.selectFrom('audit_log').select(['tenant_id', 'action', 'target_id', 'details']).where('action', 'like', 'feature_flag.%').execute(),
    };
  } finally {
    await database.close();
  }
}

// One install for the whole file: opening an embedded database is the slow part of every run.
const { dataDir, tenantId } = await stoppedInstall();

t.test('list, then set a flag for one tenant by name, on the data directory given with --data-dir', async (t) => {

  const list = await flags(['--data-dir', dataDir, 'list']);
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /^entra-integration-ui {2}\(Microsoft Entra integration\)\n {2}default: off\n/);
  t.match(list.stdout, /Tenants:\n {2}Contoso MSP \(.+\)\n {2}Northwind MSP \(.+\)/);

  const set = await flags(['set', 'entra-integration-ui', 'northwind msp', 'on', `--data-dir=${dataDir}`]);
  t.equal(set.code, 0, set.stderr);
  t.equal(set.stdout, `entra-integration-ui is now on for Northwind MSP (${tenantId}).\n`);

  const stored = await storedOverrides(dataDir);
  t.same(stored.overrides, [{ flag_key: 'entra-integration-ui', tenant_id: tenantId, enabled: true }], 'only that tenant is set apart');
  t.same(stored.audit, [{ tenant_id: tenantId, action: 'feature_flag.set', target_id: 'entra-integration-ui', details: { enabled: true, via: 'npm run flags' } }], 'and the change is audited');

  const one = await flags(['list', tenantId], { SWITCHBOARD_DATA_DIR: dataDir });
  t.equal(one.code, 0, one.stderr);
  t.match(one.stdout, /entra-integration-ui +on +\(set for this tenant\)/, 'SWITCHBOARD_DATA_DIR finds the same database');
  t.match(one.stdout, /entra-integration-cipp +off +\(default\)/);

  const all = await flags(['--data-dir', dataDir, 'list']);
  t.match(all.stdout, new RegExp(`entra-integration-ui .*\\n {2}default: off\\n {2}Northwind MSP \\(${tenantId}\\): on\\n`));
});

t.test('usage mistakes are refused with a message that says what is wrong, and change nothing', async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /No command given\./],
    [['set', 'no-such-flag', 'Northwind MSP', 'on'], /No feature flag "no-such-flag"\. Flags: entra-integration-ui, /],
    [['set', 'entra-integration-ui', 'Nobody', 'on'], /No tenant named or with the id "Nobody"\. Tenants: Contoso MSP/],
    [['set', 'entra-integration-ui', 'Northwind MSP', 'yes'], /Expected on, off or default, got "yes"\./],
    [['frobnicate'], /Unknown command or wrong arguments: frobnicate/],
  ];
  for (const [args, message] of cases) {
    const res = await flags(['--data-dir', dataDir, ...args]);
    t.equal(res.code, 2, args.join(' ') || '(nothing)');
    t.match(res.stderr, message);
    t.match(res.stderr, /Usage: npm run flags/);
  }
  const after = await storedOverrides(dataDir);
  t.same(after.overrides, [{ flag_key: 'entra-integration-ui', tenant_id: tenantId, enabled: true }], 'only the earlier change is stored');
  t.equal(after.audit.length, 1, 'and audited');
});

t.test('where there is no database, it refuses and creates nothing', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'sb-flags-none-'));
  const res = await flags(['--data-dir', empty, 'list']);
  t.equal(res.code, 1);
  t.match(res.stderr, `There is no Switchboard database in ${empty}`);
  t.same(readdirSync(empty), [], 'the directory is still empty');

  const missing = join(empty, 'not-here');
  const viaEnv = await flags(['set', 'entra-integration-ui', 'x', 'on'], { SWITCHBOARD_DATA_DIR: missing });
  t.equal(viaEnv.code, 1);
  t.match(viaEnv.stderr, `There is no Switchboard database in ${missing}`);
  t.notOk(existsSync(missing), 'no directory was made');
});

t.test('while a server holds the data directory, the change goes through it and the server sees it at once', async (t) => {
  // The "server": another process holding the embedded database, answering "flag?" on stdin.
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { openDatabase } from '@switchboard/db';
       const d = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
       process.stdin.on('data', async () => {
         const rows = await d.db.selectFrom('feature_flag_tenants').select(['flag_key', 'enabled']).execute();
         console.log(JSON.stringify(rows));
       });
       process.on('SIGTERM', async () => { await d.close(); process.exit(0); });
       console.log('ready');`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.teardown(() => {
    server.kill('SIGTERM');
  });
  t.match(((await once(server.stdout!, 'data')) as [Buffer])[0].toString(), 'ready');

  const res = await flags(['--data-dir', dataDir, 'set', 'entra-integration-cipp', tenantId, 'on']);
  t.equal(res.code, 0, res.stderr);
  server.stdin!.write('flag?\n');
  const [seen] = (await once(server.stdout!, 'data')) as [Buffer];
  t.same(JSON.parse(seen.toString()), [
    { flag_key: 'entra-integration-ui', enabled: true },
    { flag_key: 'entra-integration-cipp', enabled: true },
  ]);
  t.equal(server.exitCode, null, 'the server is still running');
});
