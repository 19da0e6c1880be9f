// Issue 21's baselines: a bare Fastify 5 with a bare `pg` pool, no plugins, no session, no zod,
// doing what the product's routes do in the database. Served by serve.ts in `bare` mode.
//
//   GET  /list        the product list's two statements (rows and count), the same SQL text
//                     (compiled from the product's own query builder once, at start), run in
//                     parallel as the product does; rows mapped with the product's toScheduleEntry
//                     and sent with JSON.stringify. The bench checks the bytes equal the product's.
//   POST /write       the product's create written by hand: BEGIN; INSERT the entry RETURNING it;
//                     INSERT its assignee; INSERT the outbox event; COMMIT (5 round trips).
//   POST /write-cte   the same inserts as one statement (data-modifying CTEs): 1 round trip.
import Fastify from 'fastify';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '@switchboard/db';
import { selectEntries, toScheduleEntry, type Row } from '../../plugins/core/src/services/schedule-entry-rows.js';

export interface BareOptions {
  databaseUrl: string;
  poolSize: number;
  /** The tenant whose 100 entries the list reads. */
  listTenantId: string;
  /** The tenant, actor and assignee the writes use. */
  writer: { tenantId: string; userId: string };
}

interface WriteBody {
  title: string;
  notes?: string | null;
  start: string;
  end: string;
  timeZone: string;
  allDay?: boolean;
  workItemType?: string;
  workItemId?: string | null;
  assigneeIds: string[];
}

export async function serveBare(options: BareOptions) {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  // Compiles only (never executes): the product's SQL text and parameters, for GET /list.
  const compiler = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const base = selectEntries(compiler, options.listTenantId);
  const rowsQuery = base.orderBy('schedule_entries.starts_at').orderBy('schedule_entries.id').limit(100).offset(0).compile();
  const countQuery = base.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).compile();

  const app = Fastify();
  app.get('/list', async (_req, reply) => {
    const [rows, count] = await Promise.all([
      pool.query<Row>(rowsQuery.sql, rowsQuery.parameters as unknown[]),
      pool.query<{ n: string }>(countQuery.sql, countQuery.parameters as unknown[]),
    ]);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ items: rows.rows.map(toScheduleEntry), total: Number(count.rows[0].n) }));
  });

  const { tenantId, userId } = options.writer;
  const entryValues = (b: WriteBody) => [tenantId, b.title, b.notes ?? null, b.start, b.end, b.timeZone, b.allDay ?? false, b.workItemType ?? 'ad_hoc', b.workItemId ?? null, userId];
  app.post<{ Body: WriteBody }>('/write', async (req, reply) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `insert into schedule_entries (tenant_id, title, notes, starts_at, ends_at, time_zone, is_all_day, work_item_type, work_item_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
        entryValues(req.body),
      );
      const entry = { ...rows[0], assigneeIds: req.body.assigneeIds };
      await client.query('insert into schedule_entry_assignees (tenant_id, schedule_entry_id, user_id) select $1, $2, unnest($3::uuid[])', [tenantId, entry.id, req.body.assigneeIds]);
      await client.query(
        `insert into outbox_events (tenant_id, event_type, aggregate_type, aggregate_id, payload) values ($1, 'schedule_entry.created', 'schedule_entry', $2, $3)`,
        [tenantId, entry.id, JSON.stringify({ entry, previousAssigneeIds: [], actorUserId: userId })],
      );
      await client.query('COMMIT');
      return reply.code(201).send(entry);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  });

  const cte = `with entry as (
      insert into schedule_entries (tenant_id, title, notes, starts_at, ends_at, time_zone, is_all_day, work_item_type, work_item_id, created_by)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *
    ), assignees as (
      insert into schedule_entry_assignees (tenant_id, schedule_entry_id, user_id) select entry.tenant_id, entry.id, unnest($11::uuid[]) from entry
    ), event as (
      insert into outbox_events (tenant_id, event_type, aggregate_type, aggregate_id, payload)
      select entry.tenant_id, 'schedule_entry.created', 'schedule_entry', entry.id,
        jsonb_build_object('entry', to_jsonb(entry) || jsonb_build_object('assigneeIds', to_jsonb($11::uuid[])), 'previousAssigneeIds', '[]'::jsonb, 'actorUserId', $10::uuid)
      from entry
    )
    select * from entry`;
  app.post<{ Body: WriteBody }>('/write-cte', async (req, reply) => {
    const { rows } = await pool.query(cte, [...entryValues(req.body), req.body.assigneeIds]);
    return reply.code(201).send({ ...rows[0], assigneeIds: req.body.assigneeIds });
  });

  app.addHook('onClose', async () => {
    await pool.end();
  });
  return app;
}
