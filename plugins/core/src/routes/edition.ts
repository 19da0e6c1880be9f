import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listFeatureFlags } from '../services/feature-flags.js';

const editionResponse = z.object({
  edition: z.enum(['ce', 'ee']),
  calendarAvailable: z.boolean(),
  entraAvailable: z.boolean(),
  settingsCategories: z.array(z.string()),
  profileTabs: z.array(z.string()),
  microsoftConsumers: z.array(z.string()),
  /** The signed-in user's tenant flags; empty when nobody is signed in. */
  featureFlags: z.record(z.string(), z.boolean()),
});

export async function editionRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/api/edition', { schema: { response: { 200: editionResponse } } }, async (request) => {
    const user = await app.currentUser(request);
    const flags = user ? await listFeatureFlags(app.db, user.tenantId) : [];
    return { ...app.edition, featureFlags: Object.fromEntries(flags.map((f) => [f.key, f.enabled])) };
  });
}
