// GET/PUT /api/schedule/settings: the tenant's working hours. Everyone who sees the schedule reads
// them (the grid shades them); admins change them, audited like feature flags.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestBody } from '../schemas/common.js';
import { recordAudit } from '../services/audit.js';
import { getWorkingHours, setWorkingHours, toMinutes } from '../services/schedule-settings.js';

const quarterHour = (what: string, last: string) =>
  z
    .string()
    .regex(/^([01]\d|2[0-4]):(00|15|30|45)$/, `must be a time of day such as 08:30, in 15-minute steps (${what})`)
    .refine((v) => toMinutes(v) <= toMinutes(last), `must be at most ${last}`);

const workingHours = z
  .object({
    start: quarterHour('the working day’s start', '23:45'),
    end: quarterHour('the working day’s end; 24:00 is midnight', '24:00'),
    days: z
      .array(z.number().int().min(1, 'must be ISO weekdays, 1 = Monday to 7 = Sunday').max(7, 'must be ISO weekdays, 1 = Monday to 7 = Sunday'))
      .min(1, 'must have at least one working day')
      .max(7, 'must name each weekday at most once')
      .refine((days) => new Set(days).size === days.length, 'must name each weekday at most once'),
  })
  .superRefine((hours, ctx) => {
    if (toMinutes(hours.end) <= toMinutes(hours.start)) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  });

const scheduleSettings = z.object({ workingHours });

export async function scheduleSettingsRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/schedule/settings', { preHandler: app.requireInternal, schema: { response: { 200: scheduleSettings } } }, async (req) => ({
    workingHours: await getWorkingHours(app.db, req.user!.tenantId),
  }));

  r.put(
    '/api/schedule/settings',
    {
      preHandler: app.requirePermission('system_settings.update'),
      schema: { body: requestBody({ workingHours }), response: { 200: scheduleSettings } },
    },
    async (req) => {
      const { tenantId, userId } = req.user!;
      return app.db.transaction().execute(async (trx) => {
        const before = await getWorkingHours(trx, tenantId);
        const after = await setWorkingHours(trx, tenantId, req.body.workingHours);
        await recordAudit(trx, { tenantId, actorUserId: userId, action: 'schedule_settings.updated', targetType: 'schedule_settings', targetId: tenantId, details: { before, after } });
        return { workingHours: after };
      });
    },
  );
}
