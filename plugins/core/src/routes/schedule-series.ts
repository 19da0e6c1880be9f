// "This and following" for a recurring series (services/series-split.ts): change them, or delete them.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestBody } from '../schemas/common.js';
import { scheduleEntryPatch, scheduleEntryResponse } from '../schemas/schedule-entries.js';
import { endSeriesBefore, splitSeries } from '../services/series-split.js';

const occurrenceOfSeries = {
  occurrenceStart: z.union([z.iso.date(), z.iso.datetime()], {
    error: "must be the occurrence's original start: a date (2026-01-31) for all-day series, otherwise a UTC date-time (2026-01-31T09:00:00.000Z)",
  }),
  /** The series' version the user saw: a split rewrites the whole series, so it is required. */
  expectedVersion: z.number().int().positive().max(2_147_483_647, 'must be a version number this entry can have'),
};

const changeableFields = { title: true, notes: true, start: true, end: true, timeZone: true, allDay: true, assigneeIds: true, clientId: true, contactId: true, recurrence: true } as const;

const seriesSplitInput = requestBody({ ...occurrenceOfSeries, changes: scheduleEntryPatch.pick(changeableFields).strict().default({}) });
const seriesSplitResponse = z.object({ earlier: scheduleEntryResponse.nullable(), following: scheduleEntryResponse });

export async function scheduleSeriesRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preHandler = app.requireInternal;

  r.post(
    '/api/schedule-entries/:id/split',
    { preHandler, schema: { params: idParams, body: seriesSplitInput, response: { 200: seriesSplitResponse } } },
    async (req) => {
      const { tenantId, userId } = req.user!;
      const split = await app.db.transaction().execute((trx) => splitSeries(trx, tenantId, userId, req.params.id, req.body));
      app.outbox.nudge();
      return split;
    },
  );

  r.post(
    '/api/schedule-entries/:id/truncate',
    { preHandler, schema: { params: idParams, body: requestBody(occurrenceOfSeries), response: { 200: z.object({ earlier: scheduleEntryResponse.nullable() }) } } },
    async (req) => {
      const { tenantId, userId } = req.user!;
      const earlier = await app.db.transaction().execute((trx) => endSeriesBefore(trx, tenantId, userId, req.params.id, req.body));
      app.outbox.nudge();
      return { earlier };
    },
  );
}
