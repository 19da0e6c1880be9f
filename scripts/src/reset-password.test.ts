import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '@switchboard/db';
import { seedTenant, TEST_PASSWORD, type SeededTenant } from '@switchboard/testing';
import { verify } from '@node-rs/argon2';
import type { Db } from '@switchboard/core';

// Each case starts the command (and once a server) as its own Node process, which takes seconds
// on a busy machine: more room than the suite's default 180 s per file.
t.setTimeout(480_000);

const CLI = fileURLToPath(new URL('./reset-password.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the command as an operator would, in its own process; DATABASE_URL only when given. */
async function resetPassword(args: string[], databaseUrl = '') {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const [code] = (await once(child, 'exit')) as [number];
  const password = /shown once:\n\n {2}(\S+)\n/.exec(stdout)?.[1];
  return { code, stdout, stderr, password };
}

/** A tenant whose admin is signed in somewhere and whose domain requires Microsoft sign-in. */
async function lockedOutTenant(db: Db, label: string): Promise<SeededTenant> {
  const tenant = await seedTenant(db, label);
  const expires_at = new Date(Date.now() + 60_000);
  await db.insertInto('sessions').values({ id: randomBytes(32).toString('hex'), tenant_id: tenant.tenantId, user_id: tenant.admin.id, csrf_token: 'csrf', expires_at }).execute();
  await db
    .insertInto('msp_sso_login_domains')
    .values({ tenant_id: tenant.tenantId, domain: `${label}.test`, verification_token: 'x', status: 'verified', verified_at: new Date(), sso_required: true })
    .execute();
  return tenant;
}

/** What the command left behind for the tenant's admin. */
async function outcome(db: Db, tenant: SeededTenant, password: string) {
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', tenant.admin.id).executeTakeFirstOrThrow();
  return {
    newPasswordWorks: await verify(user.password_hash!, password),
    oldPasswordWorks: await verify(user.password_hash!, TEST_PASSWORD),
    sessions: (await db.selectFrom('sessions').select('id').where('user_id', '=', tenant.admin.id).execute()).length,
    ssoRequired: (await db.selectFrom('msp_sso_login_domains').select('sso_required').where('tenant_id', '=', tenant.tenantId).execute()).map((d) => d.sso_required),
    audit: await db.selectFrom('audit_log').select(['action', 'actor_user_id', 'details']).where('tenant_id', '=', tenant.tenantId).where('action', 'in', ['user.password_reset_by_operator', 'msp_sso_domain.sso_required_set']).orderBy('id').execute(),
  };
}

const expectedAudit = (label: string) => [
  { action: 'user.password_reset_by_operator', actor_user_id: null, details: { via: 'npm run reset-password', sessionsEnded: 1 } },
  { action: 'msp_sso_domain.sso_required_set', actor_user_id: null, details: { domain: `${label}.test`, ssoRequired: false, reason: 'break_glass' } },
];

t.test('on a stopped embedded install: a new password, printed once, sessions ended, Microsoft requirement off, audited', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-reset-stopped-'));
  let database = await openDatabase({ dataDir });
  await migrateToLatest(database.db);
  const tenant = await lockedOutTenant(database.db, 'stopped');
  await database.close();

  const run = await resetPassword([' ADMIN@stopped.test', '--data-dir', dataDir, '--turn-off-sso-requirement']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /^New password for admin@stopped\.test \(Tenant stopped\), shown once:/);
  t.match(run.stdout, /1 session ended\./);
  t.match(run.stdout, /Microsoft sign-in is no longer required for stopped\.test\./);
  t.equal(run.password?.length, 24);

  database = await openDatabase({ dataDir });
  t.teardown(() => database.close());
  const after = await outcome(database.db, tenant, run.password!);
  t.match(after, { newPasswordWorks: true, oldPasswordWorks: false, sessions: 0, ssoRequired: [false] });
  t.match(after.audit, expectedAudit('stopped'));
  t.notOk(JSON.stringify(after.audit).includes(run.password!), 'the password is in no audit row');
});

t.test('while a server holds the embedded install, through that server; and without the option the requirement stays', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-reset-running-'));
  const setup = await openDatabase({ dataDir });
  await migrateToLatest(setup.db);
  const tenant = await lockedOutTenant(setup.db, 'running');
  await setup.close();
  // The "server": another process holding the data directory open.
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { openDatabase } from '@switchboard/db';
       const d = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
       console.log('ready');
       process.on('SIGTERM', async () => { await d.close(); process.exit(0); });
       setInterval(() => {}, 1000);`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  t.match(chunk.toString(), 'ready');

  const run = await resetPassword(['admin@running.test', `--data-dir=${dataDir}`]);
  t.equal(run.code, 0, run.stderr);
  t.notMatch(run.stdout, /Microsoft sign-in/);
  t.equal(server.exitCode, null, 'the server keeps running');
  server.kill('SIGTERM');
  await once(server, 'exit');

  const database = await openDatabase({ dataDir });
  t.teardown(() => database.close());
  const after = await outcome(database.db, tenant, run.password!);
  t.match(after, { newPasswordWorks: true, sessions: 0, ssoRequired: [true] });
  t.same(after.audit.map((a) => a.action), ['user.password_reset_by_operator']);
});

t.test('on PostgreSQL through DATABASE_URL (the suite run with TEST_DATABASE_URL)', async (t) => {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    t.pass('this run uses the embedded database only; the PostgreSQL run covers DATABASE_URL');
    return;
  }
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database: DatabaseHandle = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
  t.teardown(async () => {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  await migrateToLatest(database.db);
  const tenant = await lockedOutTenant(database.db, 'postgres');

  const run = await resetPassword(['admin@postgres.test', '--turn-off-sso-requirement'], url.toString());
  t.equal(run.code, 0, run.stderr);
  const after = await outcome(database.db, tenant, run.password!);
  t.match(after, { newPasswordWorks: true, oldPasswordWorks: false, sessions: 0, ssoRequired: [false] });
  t.match(after.audit, expectedAudit('postgres'));
});

t.test('an unknown email or a wrong call says so and changes nothing', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-reset-unknown-'));
  const database = await openDatabase({ dataDir });
  await migrateToLatest(database.db);
  await database.close();
  const unknown = await resetPassword(['nobody@nowhere.test', '--data-dir', dataDir]);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, 'User nobody@nowhere.test not found.');
  t.equal(unknown.stdout, '');
  const none = await resetPassword(['--turn-off-sso', '--data-dir', dataDir]);
  t.equal(none.code, 2);
  t.match(none.stderr, /Unknown option --turn-off-sso\.\n\nUsage: npm run reset-password/);
});
