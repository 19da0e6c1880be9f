import t from 'tap';
import { ensureFirstAdmin } from './bootstrap.js';
import { createTestDatabase } from './testing.js';

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
