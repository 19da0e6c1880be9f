import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import { createScheduleEntry } from './schedule-entries.js';

// Workers are off, so jobs stay queued for the test to inspect.
const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'jobs');

const jobsIn = async (queue: string) => {
  const { rows } = await sql<{ id: string; data: unknown }>`select id, data from pgboss.job where name = ${queue} order by created_on`.execute(db);
  return rows;
};

t.test('a job sent in a transaction that rolls back is never queued', async (t) => {
  const queue = 'test.rolled-back';
  await app.jobs.boss.createQueue(queue);
  let jobId: string | null = null;
  await t.rejects(
    db.transaction().execute(async (trx) => {
      jobId = await app.jobs.send(queue, { step: 1 }, {}, trx);
      throw new Error('the write after the send failed');
    }),
    { message: 'the write after the send failed' },
  );
  t.type(jobId, 'string', 'pg-boss did insert inside the transaction');
  t.equal(await app.jobs.boss.getQueueSize(queue), 0);
  t.same(await jobsIn(queue), []);
  t.same(await app.jobs.boss.fetch(queue), []);
});

t.test('a job sent in a transaction that commits is queued with its data', async (t) => {
  const queue = 'test.committed';
  await app.jobs.boss.createQueue(queue);
  const jobId = await db.transaction().execute((trx) => app.jobs.send(queue, { providerId: 'p-1' }, { singletonKey: 'p-1' }, trx));
  t.type(jobId, 'string');
  t.equal(await app.jobs.boss.getQueueSize(queue), 1);
  t.same(await jobsIn(queue), [{ id: jobId, data: { providerId: 'p-1' } }]);
  const [job] = await app.jobs.boss.fetch<{ providerId: string }>(queue);
  t.equal(job.id, jobId);
  t.same(job.data, { providerId: 'p-1' });
});

t.test('a job and the schedule entry it is about commit or roll back together', async (t) => {
  const queue = 'test.entry-sync';
  await app.jobs.boss.createQueue(queue);
  const input = { title: 'Sync me', start: '2026-02-03T10:00:00Z', end: '2026-02-03T11:00:00Z', timeZone: 'UTC', allDay: false, workItemType: 'ad_hoc' as const, assigneeIds: [] };
  let lostEntryId = '';
  await t.rejects(
    db.transaction().execute(async (trx) => {
      const entry = await createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, input);
      lostEntryId = entry.id;
      await app.jobs.send(queue, { entryId: entry.id }, {}, trx);
      throw new Error('rolled back');
    }),
  );
  t.same(await jobsIn(queue), []);
  t.notOk(await db.selectFrom('schedule_entries').select('id').where('id', '=', lostEntryId).executeTakeFirst());

  const kept = await db.transaction().execute(async (trx) => {
    const entry = await createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, input);
    await app.jobs.send(queue, { entryId: entry.id }, {}, trx);
    return entry;
  });
  t.same((await jobsIn(queue)).map((j) => j.data), [{ entryId: kept.id }]);
  t.ok(await db.selectFrom('schedule_entries').select('id').where('id', '=', kept.id).executeTakeFirst());
});

t.test('without a transaction, send queues the job at once', async (t) => {
  const queue = 'test.direct';
  await app.jobs.boss.createQueue(queue);
  const jobId = await app.jobs.send(queue, { n: 1 });
  t.type(jobId, 'string');
  t.equal(await app.jobs.boss.getQueueSize(queue), 1);
});

t.test('core declares its queues at start, and a job name can be defined only once', async (t) => {
  t.ok(await app.jobs.boss.getQueue('core.session-cleanup'));
  t.throws(() => app.jobs.define({ name: 'core.session-cleanup', handler: async () => {} }), { message: 'Job core.session-cleanup is already defined.' });
});
