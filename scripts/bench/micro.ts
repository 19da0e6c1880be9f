// Per-stage cost of `GET /api/schedule-entries` (100 rows), measured in-process one call at a time:
// wall time and this process's CPU time per call for the session lookup, the list queries, pg's
// type parsing, the row mapping, the zod response serializer and JSON.stringify. Explains where the
// HTTP benchmark's time goes (docs/BENCHMARKS.md).
//
//   node --import tsx scripts/bench/micro.ts [postgres|pglite] [iterations=2000]
//
// PostgreSQL: a fresh sb_bench_<random> database next to BENCH_PG_URL
// (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
import { randomBytes } from 'node:crypto';
import fastJson from 'fast-json-stringify';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '@switchboard/db';
import { forTenant } from '@switchboard/core';
import { createSession, findSession } from '../../plugins/core/src/services/sessions.js';
import { listScheduleEntries, toScheduleEntry } from '../../plugins/core/src/services/schedule-entries.js';
import { scheduleEntryList } from '../../plugins/core/src/schemas/schedule-entries.js';
import { ENTRY_COUNT, seed } from './seed.js';

const kind = (process.argv[2] ?? 'postgres') as 'postgres' | 'pglite';
const iterations = Number(process.argv[3] ?? 2000);
const adminUrl = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function open(): Promise<DatabaseHandle> {
  if (kind === 'pglite') return openDatabase({ inMemory: true });
  const name = `sb_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString() });
  return {
    ...handle,
    async close() {
      await handle.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

interface Stage {
  name: string;
  wallUs: number;
  cpuUs: number;
}

async function measure(name: string, fn: () => unknown | Promise<unknown>, n = iterations): Promise<Stage> {
  for (let i = 0; i < Math.min(200, n); i++) await fn(); // warm-up (JIT, pool)
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const c = process.cpuUsage(cpu0);
  return { name, wallUs: wall, cpuUs: (c.user + c.system) / n };
}

const database = await open();
try {
  await migrateToLatest(database.db);
  const { tenantId, adminId } = await seed(database);
  const db = database.db;
  await sql`analyze`.execute(db);
  const { token } = await createSession(db, tenantId, adminId, 3600_000);

  // The list's rows query as the service builds it, compiled once, to run through plain `pg` too.
  const buildRowsQuery = () => forTenant(db, tenantId)
    .selectFrom('schedule_entries')
    .selectAll('schedule_entries')
    .select(
      sql<string[]>`array(select a.user_id from schedule_entry_assignees a where a.schedule_entry_id = schedule_entries.id order by a.user_id)`.as(
        'assignee_ids',
      ),
    )
    .orderBy('schedule_entries.starts_at')
    .orderBy('schedule_entries.id')
    .limit(100)
    .offset(0);
  const rowsQuery = buildRowsQuery().compile();
  const countQuery = forTenant(db, tenantId)
    .selectFrom('schedule_entries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .compile();
  const client = new pg.Client({ connectionString: database.connectionString });
  await client.connect();
  const asText = { getTypeParser: () => (v: string) => v };

  const rows = (await db.executeQuery(rowsQuery)).rows as Parameters<typeof toScheduleEntry>[0][];
  if (rows.length !== ENTRY_COUNT) throw new Error(`expected ${ENTRY_COUNT} rows, got ${rows.length}`);
  const payload = { items: rows.map(toScheduleEntry), total: ENTRY_COUNT };
  const fast = fastJson({
    type: 'object',
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: Object.fromEntries(
            Object.entries(payload.items[0]).map(([k, v]) => [
              k,
              Array.isArray(v) ? { type: 'array', items: { type: 'string' } } : typeof v === 'boolean' ? { type: 'boolean' } : typeof v === 'number' ? { type: 'number' } : { type: ['string', 'null'] },
            ]),
          ),
        },
      },
      total: { type: 'number' },
    },
  });
  if (fast(payload) !== JSON.stringify(payload)) throw new Error('fast-json-stringify output differs');

  // Alternative shape for comparison: PostgreSQL builds the whole page as one JSON text value
  // (ISO strings, assignee arrays and total included), so Node parses one column, not 1,600.
  const iso = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const day = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD')`;
  const pageAsJson = `
    select json_build_object(
      'items', coalesce(json_agg(json_build_object(
        'id', e.id, 'title', e.title, 'notes', e.notes,
        'start', case when e.is_all_day then ${day('e.starts_at')} else ${iso('e.starts_at')} end,
        'end', case when e.is_all_day then ${day('e.ends_at')} else ${iso('e.ends_at')} end,
        'timeZone', e.time_zone, 'allDay', e.is_all_day, 'recurrence', e.recurrence,
        'workItemType', e.work_item_type, 'workItemId', e.work_item_id,
        'assigneeIds', array(select a.user_id from schedule_entry_assignees a where a.schedule_entry_id = e.id order by a.user_id),
        'version', e.version, 'createdAt', ${iso('e.created_at')}, 'updatedAt', ${iso('e.updated_at')}
      ) order by e.starts_at, e.id), '[]'),
      'total', (select count(*) from schedule_entries where tenant_id = $1)
    )::text as body
    from (select * from schedule_entries where tenant_id = $1 order by starts_at, id limit 100 offset 0) e`;
  const fromPg = (await client.query({ text: pageAsJson, values: [tenantId] })).rows[0].body as string;
  if (JSON.stringify(JSON.parse(fromPg)) !== JSON.stringify(payload)) throw new Error('page-as-JSON query does not match the service output');

  const stages: Stage[] = [];
  stages.push(await measure('baseline: `select 1` via pg', () => client.query('select 1')));
  stages.push(await measure('baseline: `select 1` via kysely (pool)', () => sql`select 1`.execute(db)));
  stages.push(await measure('findSession (session + user + permissions, 1 query)', () => findSession(db, token)));
  stages.push(await measure('listScheduleEntries (rows + count queries, mapping)', () => listScheduleEntries(db, tenantId, { limit: 100, offset: 0 })));
  stages.push(await measure('rows query via kysely (pg type parsing on)', () => db.executeQuery(rowsQuery)));
  stages.push(await measure('rows query via pg, types parsed', () => client.query({ text: rowsQuery.sql, values: rowsQuery.parameters as unknown[] })));
  stages.push(await measure('rows query via pg, all columns as text', () => client.query({ text: rowsQuery.sql, values: rowsQuery.parameters as unknown[], types: asText })));
  stages.push(await measure('alternative: whole page as one JSON text value from PostgreSQL (pg)', () => client.query({ text: pageAsJson, values: [tenantId] })));
  stages.push(await measure('count query via kysely', () => db.executeQuery(countQuery)));
  stages.push(await measure('kysely: build + compile the rows query (no I/O)', () => buildRowsQuery().compile(), iterations * 5));
  stages.push(await measure('toScheduleEntry x100 (Date -> ISO strings)', () => rows.map(toScheduleEntry), iterations * 5));
  stages.push(await measure('zod serializer: scheduleEntryList.safeParse + JSON.stringify', () => JSON.stringify(scheduleEntryList.safeParse(payload).data), iterations * 5));
  stages.push(await measure('  of which scheduleEntryList.safeParse', () => scheduleEntryList.safeParse(payload), iterations * 5));
  stages.push(await measure('JSON.stringify(payload)', () => JSON.stringify(payload), iterations * 5));
  stages.push(await measure('fast-json-stringify(payload)', () => fast(payload), iterations * 5));
  await client.end();

  const bytes = Buffer.byteLength(JSON.stringify(payload));
  console.log(`Per-call cost on ${database.kind}, ${iterations} sequential calls (x5 for pure CPU stages), response ${bytes} bytes, Node ${process.version}`);
  console.log('');
  console.log('| Stage | wall µs/call | Node CPU µs/call |');
  console.log('|---|---:|---:|');
  for (const s of stages) console.log(`| ${s.name} | ${s.wallUs.toFixed(0)} | ${s.cpuUs.toFixed(0)} |`);
} finally {
  await database.close();
}
