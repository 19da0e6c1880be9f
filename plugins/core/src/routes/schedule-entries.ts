import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, okResponse } from '../schemas/common.js';
import {
  occurrenceOverrideInput,
  occurrenceParams,
  scheduleEntryInput,
  scheduleEntryList,
  scheduleEntryListQuery,
  scheduleEntryPatch,
  scheduleEntryResponse,
} from '../schemas/schedule-entries.js';
import {
  createScheduleEntry,
  deleteScheduleEntry,
  getScheduleEntry,
  listScheduleEntries,
  updateScheduleEntry,
} from '../services/schedule-entries.js';
import { cancelOccurrence, overrideOccurrence } from '../services/series-exceptions.js';

export async function scheduleEntryRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preHandler = app.requireInternal;

  // The list is the busiest read (issue 21): its 100 items are built by toScheduleEntry from an
  // explicit column list, so the response is written with JSON.stringify instead of being checked
  // item by item against the zod schema first (a third of the route's CPU). The schema still types
  // the handler's return value.
  r.get(
    '/api/schedule-entries',
    { preHandler, schema: { querystring: scheduleEntryListQuery, response: { 200: scheduleEntryList } }, serializerCompiler: () => JSON.stringify },
    async (req) => listScheduleEntries(app.db, req.user!.tenantId, req.query),
  );

  r.get('/api/schedule-entries/:id', { preHandler, schema: { params: idParams, response: { 200: scheduleEntryResponse } } }, async (req) =>
    getScheduleEntry(app.db, req.user!.tenantId, req.params.id),
  );

  r.post('/api/schedule-entries', { preHandler, schema: { body: scheduleEntryInput, response: { 201: scheduleEntryResponse } } }, async (req, reply) => {
    const { tenantId, userId } = req.user!;
    // One statement (insertEntry): atomic, entry, assignees and outbox event, without BEGIN/COMMIT round trips.
    const entry = await createScheduleEntry(app.db, tenantId, userId, req.body);
    app.outbox.nudge();
    return reply.code(201).send(entry);
  });

  r.patch(
    '/api/schedule-entries/:id',
    { preHandler, schema: { params: idParams, body: scheduleEntryPatch, response: { 200: scheduleEntryResponse } } },
    async (req) => {
      const { tenantId, userId } = req.user!;
      const entry = await app.db.transaction().execute((trx) => updateScheduleEntry(trx, tenantId, userId, req.params.id, req.body));
      app.outbox.nudge();
      return entry;
    },
  );

  r.delete('/api/schedule-entries/:id', { preHandler, schema: { params: idParams, response: { 200: okResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    await app.db.transaction().execute((trx) => deleteScheduleEntry(trx, tenantId, userId, req.params.id));
    app.outbox.nudge();
    return { success: true as const };
  });

  // One occurrence of a series, named by its original start (URL-encoded, in the form of `start`).
  const occurrence = '/api/schedule-entries/:id/occurrences/:originalStart';

  r.put(occurrence, { preHandler, schema: { params: occurrenceParams, body: occurrenceOverrideInput, response: { 200: scheduleEntryResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    const { id, originalStart } = req.params;
    const entry = await app.db.transaction().execute((trx) => overrideOccurrence(trx, tenantId, userId, id, originalStart, req.body));
    app.outbox.nudge();
    return entry;
  });

  r.delete(occurrence, { preHandler, schema: { params: occurrenceParams } }, async (req, reply) => {
    const { tenantId, userId } = req.user!;
    const { id, originalStart } = req.params;
    await app.db.transaction().execute((trx) => cancelOccurrence(trx, tenantId, userId, id, originalStart));
    app.outbox.nudge();
    return reply.code(204).send();
  });
}
