// Request and response shapes of the calendar API. The stable routes carry no Fastify schema (CE
// must answer before reading a body), so handlers parse with these and answer 400 themselves.
import { z } from 'zod';
import { storableText, text } from '@switchboard/core';

export const providerType = z.enum(['google', 'microsoft'], { error: 'must be "google" or "microsoft"' });
export const syncDirection = z.enum(['two_way', 'to_calendar', 'from_calendar'], { error: 'must be two_way, to_calendar or from_calendar' });

export const providerInput = z.object({
  providerType,
  displayName: text(100).optional(),
  syncDirection: syncDirection.default('two_way'),
  importUnmapped: z.boolean().default(false),
});

export const providerPatch = z.object({
  displayName: text(100).optional(),
  syncDirection: syncDirection.optional(),
  importUnmapped: z.boolean().optional(),
});

export const providerListQuery = z.object({
  /** Admins: every technician's connections (`all`), or their own (default). */
  scope: z.enum(['mine', 'all'], { error: 'must be "mine" or "all"' }).default('mine'),
});

export const idParams = z.object({ id: z.uuid({ message: 'must be the id of a calendar connection' }) });

export const settingsInput = z.object({
  googleClientId: text(300).nullable().optional(),
  /** Write-only; a new value replaces the stored one, null removes it. */
  googleClientSecret: text(300).nullable().optional(),
});

export const callbackQuery = z.object({
  state: storableText().max(200).optional(),
  code: storableText().max(4096).optional(),
  error: storableText().max(200).optional(),
});

export const conflictListQuery = providerListQuery;

export const resolutionInput = z.object({
  resolution: z.enum(['keep_psa', 'keep_calendar', 'merge'], { error: 'must be keep_psa, keep_calendar or merge' }),
  fields: z
    .object({
      title: z.enum(['psa', 'calendar']).optional(),
      notes: z.enum(['psa', 'calendar']).optional(),
      time: z.enum(['psa', 'calendar']).optional(),
      recurrence: z.enum(['psa', 'calendar']).optional(),
    })
    .optional(),
});

/**
 * Notifications per Graph delivery. Graph batches notifications, even of different subscriptions,
 * into one POST and documents no maximum (change-notifications-delivery-webhooks); the smallest it
 * sends, a lifecycle notification (change-notifications-lifecycle-events), is about 230 bytes, so a
 * genuine delivery within the webhook's 256 KB body limit (core enterprise/calendar.ts) holds about
 * 1,100 at most. A forged one of tiny items could hold ten times that.
 */
export const MAX_GRAPH_NOTIFICATIONS = 1000;

// Untrimmed: the ids and the clientState are compared byte for byte.
const notificationText = (max: number) => storableText().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** The fields of a Graph notification the webhook reads; the others pass unread. */
export const graphNotification = z.object(
  {
    subscriptionId: notificationText(200),
    // Graph: clientState is at most 128 characters (subscription resource).
    clientState: notificationText(128),
    lifecycleEvent: notificationText(100).optional(),
  },
  { error: 'must be a notification object' },
);

export const graphDelivery = z.object(
  { value: z.array(graphNotification, { error: 'must be a list of notifications' }).min(1, 'must hold at least one notification') },
  { error: 'must be an object with a "value" list' },
);

export type GraphNotification = z.infer<typeof graphNotification>;
export type ProviderInput = z.infer<typeof providerInput>;
export type ProviderPatch = z.infer<typeof providerPatch>;
export type SettingsInput = z.infer<typeof settingsInput>;

/** Parses a body (or the query/params), answering 400 by field; null is not an empty body. */
export { parseInput as parse } from '@switchboard/core';
