// PGlite memory growth without the app: PGlite behind pglite-socket, a `pg` client, the same
// 100-row query shape run N times, and the JS heap after a full GC every 1,000 queries.
// With UPSTREAM=1 it serves PGlite 0.4.6 + pglite-socket 0.1.6 as shipped, and the retained heap
// grows with every row returned; without it, it goes through @switchboard/db's openDatabase, which
// works around that (see docs/BENCHMARKS.md), and the heap stays flat.
//
//   node --expose-gc --import tsx scripts/bench/pglite-socket-growth.ts [queries=5000]
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { openDatabase } from '@switchboard/db';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const total = Number(process.argv[2] ?? 5000);

let connectionString: string;
let stop: () => Promise<void>;
if (process.env.UPSTREAM) {
  const pglite = new PGlite();
  await pglite.waitReady;
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  connectionString = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  stop = async () => {
    await server.stop();
    await pglite.close();
  };
} else {
  const handle = await openDatabase({ inMemory: true });
  connectionString = handle.connectionString;
  stop = handle.close;
}
const client = new pg.Client({ connectionString });
await client.connect();
await client.query(`create table t (id uuid primary key default gen_random_uuid(), title text, starts_at timestamptz, ends_at timestamptz)`);
await client.query(`insert into t (title, starts_at, ends_at) select 'Onsite visit ' || g, now() + g * interval '1 hour', now() + g * interval '2 hour' from generate_series(1, 100) g`);

const mb = (n: number) => (n / 2 ** 20).toFixed(1);
const report = (done: number) => {
  gc();
  const m = process.memoryUsage();
  console.log(`${String(done).padStart(6)} queries  heapUsed ${mb(m.heapUsed).padStart(7)} MB  rss ${mb(m.rss).padStart(7)} MB`);
};
report(0);
for (let i = 1; i <= total; i++) {
  const res = await client.query('select * from t order by starts_at limit 100');
  if (res.rows.length !== 100) throw new Error('expected 100 rows');
  if (i % 1000 === 0) report(i);
}
await client.end();
await stop();
