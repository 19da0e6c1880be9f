// Control routes of the Graph calendar part, for tests and the demo:
// /_emulator/graph/{config,mailboxes,events,mail,expire-delta-tokens,subscriptions,deliveries,handshakes,created-events}.
import type { FastifyInstance } from 'fastify';
import type { MicrosoftContext } from './context.js';
import type { GraphCalendarOptions, GraphCalendarPart } from './graph-calendar.js';
import { EventInputError } from './graph-event-input.js';
import { LIFECYCLE_EVENTS, type LifecycleEvent } from './notifications-payloads.js';
import { renderSubscription } from './subscriptions.js';

const PREFIX = '/_emulator/graph';

interface MailboxBody {
  tenantId: string;
  userId: string;
  name?: string;
  address?: string;
  /** Delta answers updates with only the changed properties (Mailbox.partialDeltaUpdates). */
  partialDeltaUpdates?: boolean;
}

export function registerCalendarControls(app: FastifyInstance, context: MicrosoftContext, part: GraphCalendarPart): void {
  app.post<{ Body: Partial<GraphCalendarOptions> }>(`${PREFIX}/config`, async (request) => {
    part.configure(request.body ?? {});
    return part.options;
  });

  app.post<{ Body: MailboxBody }>(`${PREFIX}/mailboxes`, async (request, reply) => {
    const { tenantId, userId, name, address, partialDeltaUpdates } = request.body ?? ({} as MailboxBody);
    if (!tenantId || !userId) return reply.code(400).send({ error: 'tenantId and userId are required.' });
    if (partialDeltaUpdates !== undefined && typeof partialDeltaUpdates !== 'boolean') return reply.code(400).send({ error: 'partialDeltaUpdates must be a boolean.' });
    const owner = { ...(name ? { name } : {}), ...(address ? { address } : {}) };
    const mailbox = part.mailbox(tenantId, userId, owner);
    if (partialDeltaUpdates !== undefined) mailbox.partialDeltaUpdates = partialDeltaUpdates;
    const calendars = [...mailbox.calendars.values()].map((c) => ({ id: c.id, name: c.name }));
    return { tenantId, userId, owner: mailbox.owner, calendars, partialDeltaUpdates: mailbox.partialDeltaUpdates };
  });

  /** The meeting mail attendees got from the mailbox's writes: `?tenantId=&userId=`. */
  app.get<{ Querystring: Partial<MailboxBody> }>(`${PREFIX}/mail`, async (request, reply) => {
    const { tenantId, userId } = request.query;
    if (!tenantId || !userId) return reply.code(400).send({ error: 'tenantId and userId are required.' });
    return { value: part.mailbox(tenantId, userId).sentMail };
  });

  /** Seed events: `{tenantId, userId, events: [<Graph create body>]}`; answers the created events. */
  app.post<{ Body: MailboxBody & { events?: Array<Record<string, unknown>> } }>(`${PREFIX}/events`, async (request, reply) => {
    const { tenantId, userId, events } = request.body ?? ({} as MailboxBody);
    if (!tenantId || !userId || !Array.isArray(events)) return reply.code(400).send({ error: 'tenantId, userId and events[] are required.' });
    try {
      return { value: events.map((e) => part.seedEvent(tenantId, userId, e)) };
    } catch (error) {
      if (error instanceof EventInputError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });

  app.post(`${PREFIX}/expire-delta-tokens`, async () => {
    part.expireDeltaTokens();
    return { ok: true };
  });

  app.get(`${PREFIX}/subscriptions`, async () => ({ value: part.subscriptions().map((s) => ({ ...renderSubscription(context, s), tenantId: s.tenantId, mailboxUserId: s.mailboxUserId })) }));

  /** Send `{lifecycleEvent: reauthorizationRequired|subscriptionRemoved|missed}` to the subscription. */
  app.post<{ Params: { id: string }; Body: { lifecycleEvent?: string } }>(`${PREFIX}/subscriptions/:id/lifecycle`, async (request, reply) => {
    const event = request.body?.lifecycleEvent as LifecycleEvent;
    if (!LIFECYCLE_EVENTS.includes(event)) return reply.code(400).send({ error: `lifecycleEvent must be one of ${LIFECYCLE_EVENTS.join(', ')}.` });
    if (!part.sendLifecycle(request.params.id, event)) {
      return reply.code(404).send({ error: 'No live subscription with that id and a lifecycleNotificationUrl.' });
    }
    return { ok: true };
  });

  /** Make a subscription expire now (it stops delivering and disappears, as an unrenewed one does). */
  app.post<{ Params: { id: string } }>(`${PREFIX}/subscriptions/:id/expire`, async (request, reply) => {
    const subscription = part.subscriptions().find((s) => s.id === request.params.id);
    if (!subscription) return reply.code(404).send({ error: 'No live subscription with that id.' });
    subscription.expiresAt = context.now();
    return { ok: true };
  });

  app.get(`${PREFIX}/deliveries`, async () => ({ value: part.deliveries }));
  app.get(`${PREFIX}/handshakes`, async () => ({ value: part.handshakes }));
  app.get(`${PREFIX}/created-events`, async () => ({ value: part.createdEvents }));
}
