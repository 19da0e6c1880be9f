// A server under test for the benchmark, run as its own process so its RSS is its own and the load
// generator does not share its event loop. Started by schedule-entries.ts; not meant to be run by hand.
//
//   node --import tsx scripts/bench/serve.ts hello
//     bare Fastify 5, `GET /` -> {"hello":"world"}
//   node --import tsx scripts/bench/serve.ts bare
//     issue 21's baselines (bare-routes.ts): bare Fastify + pg on BENCH_DATABASE_URL, reading the
//     list of BENCH_TENANT_ID and writing as BENCH_WRITER ({"tenantId","userId"})
//   node --import tsx scripts/bench/serve.ts api
//     the real app (buildApp) on BENCH_DATABASE_URL (an empty PostgreSQL database the parent created
//     and will drop) or, without it, on the embedded PostgreSQL as `npm start` runs it
//     (`openDatabase({ dataDir })`, default server settings) in a fresh temporary data directory,
//     removed at exit; migrated and seeded with one tenant, one admin and exactly 100 schedule
//     entries assigned to that admin.
//
// When ready it prints one JSON line on stdout: {"ready":true,"port":...,...}. SIGTERM closes the
// app and the database and exits 0 (so `--cpu-prof` can write its profile).
//
// BENCH_DIAG=1 (api mode) adds diagnostic routes that take the real route apart, for profiling:
//   /__bench/hello              a hello-world route inside the full app (all plugins and hooks)
//   /__bench/static             the real route's response bytes, precomputed (no session, no DB)
//   /__bench/static-auth        the same bytes behind the session check
//   /__bench/auth               the session check (requireInternal) and nothing else
//   /__bench/list-noauth        the list with the zod response serializer, tenant fixed, no session
//   /__bench/list-noschema      session check + list, no response schema (plain JSON.stringify)
//   /__bench/list-noauth-noschema  the list alone, no session check, no response schema
//   /__bench/list-fast          session check + list, serialized with fast-json-stringify
//                               (a JSON-Schema response schema) instead of zod
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { migrateToLatest, openDatabase } from '@switchboard/db';
import { keyringFromEnv } from '@switchboard/core';
import { buildApp, loadConfig } from '@switchboard/api';
// Not exported by @switchboard/core; only the diagnostic routes use them.
import { listScheduleEntries } from '../../plugins/core/src/services/schedule-entries.js';
import { scheduleEntryList, scheduleEntryListQuery } from '../../plugins/core/src/schemas/schedule-entries.js';
import { BENCH_EMAIL, BENCH_PASSWORD, ENTRY_COUNT, WRITER_EMAIL, seed } from './seed.js';
import { serveBare } from './bare-routes.js';

async function registerDiagnostics(app: FastifyInstance, tenantId: string) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preHandler = app.requireInternal;
  const list = (tid: string, query: unknown) => listScheduleEntries(app.db, tid, scheduleEntryListQuery.parse(query));
  // The exact bytes the real route sends, computed once: what moving the payload alone costs.
  const body = JSON.stringify(await list(tenantId, {}));
  r.get('/__bench/static', async (_req, reply) => reply.type('application/json').send(body));
  r.get('/__bench/static-auth', { preHandler }, async (_req, reply) => reply.type('application/json').send(body));
  r.get('/__bench/hello', async () => ({ hello: 'world' }));
  r.get('/__bench/auth', { preHandler }, async () => ({ ok: true }));
  r.get('/__bench/list-noauth', { schema: { response: { 200: scheduleEntryList } } }, async (req) => list(tenantId, req.query));
  r.get('/__bench/list-noschema', { preHandler }, async (req) => list(req.user!.tenantId, req.query));
  r.get('/__bench/list-noauth-noschema', async (req) => list(tenantId, req.query));
  // Same shape as scheduleEntryList, as JSON Schema, compiled by fast-json-stringify (Fastify's own
  // dependency, not declared here; imported only in diagnostic mode).
  const { default: fastJson } = await import('fast-json-stringify');
  const str = { type: 'string' } as const;
  const nullableStr = { type: ['string', 'null'] } as const;
  const fastSchema = {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: str, title: str, notes: nullableStr, start: str, end: str, timeZone: str, allDay: { type: 'boolean' },
            recurrence: nullableStr, workItemType: str, workItemId: nullableStr, assigneeIds: { type: 'array', items: str },
            version: { type: 'number' }, createdAt: str, updatedAt: str,
          },
          required: ['id', 'title', 'notes', 'start', 'end', 'timeZone', 'allDay', 'recurrence', 'workItemType', 'workItemId', 'assigneeIds', 'version', 'createdAt', 'updatedAt'],
        },
      },
      total: { type: 'number' },
    },
    required: ['items', 'total'],
  };
  app.get(
    '/__bench/list-fast',
    {
      preHandler,
      schema: { response: { 200: fastSchema } },
      // Fastify's own default serializer (fast-json-stringify) for this route, instead of the app's zod one.
      serializerCompiler: ({ schema }) => fastJson(schema as object),
    },
    async (req) => list(req.user!.tenantId, req.query),
  );
}

async function serveHello() {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, info: {} as Record<string, unknown>, close: async () => app.close() };
}

/** The embedded PostgreSQL in a data directory of its own, removed when this process exits. */
async function openEmbedded() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  return openDatabase({ dataDir, log: (line) => process.stderr.write(`embedded PostgreSQL: ${line}\n`) });
}

async function serveApi() {
  const url = process.env.BENCH_DATABASE_URL;
  const database = url ? await openDatabase({ databaseUrl: url }) : await openEmbedded();
  await migrateToLatest(database.db);
  const { tenantId, adminId, writer } = await seed(database);
  const keyring = keyringFromEnv(randomBytes(32).toString('base64'));
  const app = await buildApp({
    config: loadConfig({
      SWITCHBOARD_WORKERS: 'off',
      LOG_LEVEL: 'warn',
      // BENCH_SESSION_CACHE_TTL_SECONDS=0 measures without the session cache.
      ...(process.env.BENCH_SESSION_CACHE_TTL_SECONDS ? { SESSION_CACHE_TTL_SECONDS: process.env.BENCH_SESSION_CACHE_TTL_SECONDS } : {}),
    }),
    database,
    keyring,
    serveWeb: false,
  });
  if (process.env.BENCH_DIAG === '1') await registerDiagnostics(app, tenantId);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    info: { kind: database.kind, email: BENCH_EMAIL, password: BENCH_PASSWORD, tenantId, adminId, entries: ENTRY_COUNT, writerEmail: WRITER_EMAIL, writer },
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** Issue 21's bare baselines (bare-routes.ts) on the API's database, given by the parent. */
async function serveBareBaselines() {
  const env = process.env;
  const app = await serveBare({
    databaseUrl: env.BENCH_DATABASE_URL!,
    // The product's pool size (openDatabase's default).
    poolSize: 10,
    listTenantId: env.BENCH_TENANT_ID!,
    writer: JSON.parse(env.BENCH_WRITER!),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, info: {} as Record<string, unknown>, close: async () => app.close() };
}

async function main() {
  const mode = process.argv[2];
  if (mode !== 'hello' && mode !== 'api' && mode !== 'bare') throw new Error('usage: serve.ts hello|api|bare');
  const server = mode === 'hello' ? await serveHello() : mode === 'bare' ? await serveBareBaselines() : await serveApi();
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    try {
      await server.close();
      process.exit(0);
    } catch (err) {
      console.error(err);
      process.exit(1);
    }
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Commands on stdin, one a line: "memory", "gc" (with --expose-gc), "heapsnapshot <file>", "exit".
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      // With --expose-gc, "gc" runs a full collection first (tells retained memory from garbage).
      if (line.trim() === 'gc') (globalThis as { gc?: () => void }).gc?.();
      if (line.trim() === 'memory' || line.trim() === 'gc') process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage() })}\n`);
      // "heapsnapshot <file>" writes a V8 heap snapshot (for chasing retained memory).
      if (line.startsWith('heapsnapshot ')) {
        const file = writeHeapSnapshot(line.slice('heapsnapshot '.length).trim());
        process.stdout.write(`${JSON.stringify({ heapsnapshot: file })}\n`);
      }
      if (line.trim() === 'exit') void shutdown();
    }
  });
  process.stdin.on('end', () => void shutdown());
  process.stdout.write(`${JSON.stringify({ ready: true, mode, port: address.port, pid: process.pid, ...server.info })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
