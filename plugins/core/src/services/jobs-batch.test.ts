import t from 'tap';
import type { FastifyBaseLogger } from 'fastify';
import { createTestDatabase } from '@switchboard/testing';
import { eventually } from '@switchboard/testing/calendar';
import { createJobQueue } from './jobs.js';

const silent = { level: 'silent', fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, silent() {}, child: () => silent } as unknown as FastifyBaseLogger;
const queueOn = (runWorkers: boolean) => createJobQueue({ connectionString: database.connectionString, runWorkers, log: silent });

const database = await createTestDatabase();
t.teardown(() => database.close());

t.test('a worker fetching jobs in batches runs them together and settles each on its own', async (t) => {
  const queue = 'test.batched';
  // Queued before any worker starts, so the first fetch takes all five.
  const sender = queueOn(false);
  sender.define({ name: queue, queue: { retryLimit: 0 }, handler: async () => undefined });
  await sender.start();
  const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => sender.send(queue, { n })));
  await sender.stop();

  const jobs = queueOn(true);
  const seen: number[][] = [];
  let running = 0;
  let peak = 0;
  jobs.define<{ n: number }>({
    name: queue,
    queue: { retryLimit: 0 },
    work: { batchSize: 10, pollingIntervalSeconds: 0.5 },
    handler: async (job) => {
      running += 1;
      peak = Math.max(peak, running);
      seen.push([job.data.n]);
      // Every job of a fetched batch is in hand before any finishes.
      await eventually(async () => running === 5 || seen.length === 5, 10_000);
      running -= 1;
      if (job.data.n === 3) throw new Error('job 3 fails');
    },
  });
  await jobs.start();
  t.teardown(() => jobs.stop());

  const states = async () => Promise.all(ids.map(async (id) => (await jobs.boss.getJobById(queue, id!))?.state));
  await eventually(async () => (await states()).every((s) => s === 'completed' || s === 'failed'), 20_000);
  t.same(await states(), ['completed', 'completed', 'failed', 'completed', 'completed'], 'only the failing job failed');
  t.equal(peak, 5, 'the five jobs ran at once');
  const failed = await jobs.boss.getJobById(queue, ids[2]!);
  t.match(failed?.output, { message: 'job 3 fails' }, 'the failure keeps its error');
});

t.test('pause stops a queue’s workers and resume starts them again; the jobs wait in between', async (t) => {
  const jobs = queueOn(true);
  const queue = 'test.paused';
  const ran: number[] = [];
  jobs.define<{ n: number }>({ name: queue, work: { pollingIntervalSeconds: 0.5 }, handler: async (job) => void ran.push(job.data.n) });
  await jobs.start();
  t.teardown(() => jobs.stop());
  await jobs.pause(queue);
  const id = await jobs.send(queue, { n: 1 });
  // Long enough for several polls of a running worker.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.same(ran, [], 'nothing ran while paused');
  t.equal((await jobs.boss.getJobById(queue, id!))?.state, 'created');
  await jobs.resume(queue);
  await eventually(async () => ran.length === 1, 10_000);
  t.same(ran, [1]);
});
