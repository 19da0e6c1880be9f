import t from 'tap';
import { createTestDatabase } from '@switchboard/testing';
import { ensureFirstAdmin, firstAdminAtStart } from './bootstrap.js';

t.test('two processes starting on one empty database create one first admin, and neither fails', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.close());
  const results = await Promise.all(Array.from({ length: 4 }, () => ensureFirstAdmin(database.db, { email: 'first@bootstrap.test' })));
  t.equal(results.filter(Boolean).length, 1, 'exactly one start reports the admin it created');
  const users = await database.db.selectFrom('users').select('email').execute();
  t.same(users, [{ email: 'first@bootstrap.test' }]);
  const tenants = await database.db.selectFrom('tenants').select('id').execute();
  t.equal(tenants.length, 1, 'the losing starts left no tenant behind');
  t.equal(await ensureFirstAdmin(database.db, { email: 'first@bootstrap.test' }), null, 'a later start creates nothing');
});

t.test('SWITCHBOARD_ADMIN_* on an install that already has users: one warning naming the break-glass command', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.close());
  const settings = { email: 'boss@bootstrap.test', password: 'a long first admin password' };
  const start = async (given: { email?: string; password?: string }) => {
    const warnings: string[] = [];
    const printed: string[] = [];
    await firstAdminAtStart(database.db, given, { warn: (m) => warnings.push(m), print: (l) => printed.push(l) });
    return { warnings, printed };
  };
  const first = await start(settings);
  t.same(first.warnings, [], 'the first start creates the admin and warns about nothing');
  t.match(first.printed.join('\n'), /Created the first admin: boss@bootstrap\.test/);
  t.notOk(first.printed.join('\n').includes(settings.password), 'a password from the environment is not echoed');

  const later = await start(settings);
  t.same(later.printed, []);
  t.same(later.warnings, [
    'SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD are used only on the first start, to create the first admin; this install already has users, so nothing was changed. ' +
      'To set a user\'s password, run: npm run reset-password -- boss@bootstrap.test',
  ]);
  t.match((await start({ password: settings.password })).warnings, [/^SWITCHBOARD_ADMIN_PASSWORD is used only on the first start.*npm run reset-password -- <email>$/]);
  t.same((await start({})).warnings, [], 'without the settings, a later start says nothing');
  const users = await database.db.selectFrom('users').select('email').execute();
  t.same(users, [{ email: 'boss@bootstrap.test' }]);
});
