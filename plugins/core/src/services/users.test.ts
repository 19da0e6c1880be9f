import t from 'tap';
import { createTestDatabase, seedTenant } from '@switchboard/testing';
import { changeUser, type UserChange } from './users.js';
import { Conflict } from '../errors.js';

const database = await createTestDatabase();
t.teardown(() => database.close());
const { db } = database;

/** Resolves once `count` callers have arrived, so two transactions reach the rule at the same moment. */
function barrier(count: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

const adminsOf = (tenantId: string) =>
  db
    .selectFrom('users as u')
    .innerJoin('user_roles as ur', 'ur.user_id', 'u.id')
    .innerJoin('roles as r', 'r.id', 'ur.role_id')
    .select('u.id')
    .where('u.tenant_id', '=', tenantId)
    .where('u.is_active', '=', true)
    .where('r.name', '=', 'Admin')
    .execute();

async function twoAdmins(label: string) {
  const tenant = await seedTenant(db, label);
  await db.transaction().execute((trx) => changeUser(trx, { tenantId: tenant.tenantId, actorUserId: tenant.admin.id }, tenant.viewer.id, { role: 'Admin' }));
  return { tenantId: tenant.tenantId, a: tenant.admin.id, b: tenant.viewer.id };
}

/** Each admin changes the other at the same moment; returns what each got. */
async function raceEachOther(tenant: { tenantId: string; a: string; b: string }, change: { aDoesToB: UserChange; bDoesToA: UserChange }) {
  const arrive = barrier(2);
  const run = (actor: string, target: string, what: UserChange) =>
    db
      .transaction()
      .execute(async (trx) => {
        await trx.selectFrom('tenants').select('id').execute(); // the transaction has begun on its own connection
        await arrive();
        await changeUser(trx, { tenantId: tenant.tenantId, actorUserId: actor }, target, what);
        return 'changed';
      })
      .catch((err) => (err instanceof Conflict ? `409 ${err.details?.code}` : `error ${(err as Error).message}`));
  return Promise.all([run(tenant.a, tenant.b, change.aDoesToB), run(tenant.b, tenant.a, change.bDoesToA)]);
}

t.test('two admins demoting each other at the same moment leave one admin', async (t) => {
  for (let round = 0; round < 8; round++) {
    const tenant = await twoAdmins(`race-demote-${round}`);
    const results = await raceEachOther(tenant, { aDoesToB: { role: 'Technician' }, bDoesToA: { role: 'Settings viewer' } });
    t.same(results.slice().sort(), ['409 last_admin', 'changed'], `round ${round}: one succeeds, the other is refused`);
    t.equal((await adminsOf(tenant.tenantId)).length, 1, `round ${round}: one admin is left`);
  }
});

t.test('two admins deactivating each other at the same moment leave one active admin', async (t) => {
  for (let round = 0; round < 8; round++) {
    const tenant = await twoAdmins(`race-deactivate-${round}`);
    const results = await raceEachOther(tenant, { aDoesToB: { isActive: false }, bDoesToA: { role: 'Technician' } });
    t.same(results.slice().sort(), ['409 last_admin', 'changed'], `round ${round}`);
    t.equal((await adminsOf(tenant.tenantId)).length, 1, `round ${round}: one active admin is left`);
  }
});

t.test('a deactivated admin does not count as the admin who remains', async (t) => {
  const tenant = await twoAdmins('inactive-admin');
  await db.updateTable('users').set({ is_active: false }).where('id', '=', tenant.b).execute();
  const refused = db.transaction().execute((trx) => changeUser(trx, { tenantId: tenant.tenantId, actorUserId: tenant.a }, tenant.a, { role: 'Technician' }));
  const error = await refused.then(() => null, (caught: unknown) => caught as { statusCode?: number; details?: { code?: string } });
  t.match(error, { statusCode: 409, details: { code: 'last_admin' } }, 'the last active admin cannot step down');
  // Reactivating the second admin makes room for the first to step down.
  await db.transaction().execute((trx) => changeUser(trx, { tenantId: tenant.tenantId, actorUserId: tenant.a }, tenant.b, { isActive: true }));
  await db.transaction().execute((trx) => changeUser(trx, { tenantId: tenant.tenantId, actorUserId: tenant.a }, tenant.a, { role: 'Technician' }));
  t.same(await adminsOf(tenant.tenantId), [{ id: tenant.b }]);
});
