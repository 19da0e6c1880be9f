// The Graph calendar part of the Microsoft emulator: /me calendars and events, calendarView delta,
// subscriptions with change and lifecycle notifications, and Outlook's mailbox concurrency limit.
import type { FastifyInstance } from 'fastify';
import type { MicrosoftContext, MicrosoftPart } from './context.js';
import { registerCalendarControls } from './graph-calendar-controls.js';
import { registerCalendarDelta } from './graph-calendar-delta.js';
import { registerCalendarRoutes } from './graph-calendar-routes.js';
import { eventFromOutlook, type StoredEvent } from './graph-event-input.js';
import { renderEvent } from './graph-event-render.js';
import { ownInstance } from './graph-instances.js';
import { MailboxStore, type Mailbox } from './graph-mailbox-store.js';
import { registerSeriesRoutes } from './graph-series-routes.js';
import { registerMailboxConcurrency, type ConcurrencyOptions } from './graph-throttle.js';
import { DEFAULT_DELIVERY_OPTIONS, Notifier, type Delivery, type DeliveryOptions } from './notifications.js';
import { changeNotificationItem, lifecycleNotificationItem, type LifecycleEvent } from './notifications-payloads.js';
import { registerSubscriptions, SubscriptionStore, type Subscription, type SubscriptionOptions } from './subscriptions.js';
import type { HandshakeResult } from './subscriptions-validation.js';

export type GraphCalendarOptions = SubscriptionOptions & DeliveryOptions & ConcurrencyOptions;

export const DEFAULT_GRAPH_CALENDAR_OPTIONS: GraphCalendarOptions = {
  maxLifetimeMinutes: 10_070,
  validationTimeoutMs: 10_000,
  ...DEFAULT_DELIVERY_OPTIONS,
  limit: 4,
  retryAfterSeconds: 1,
};

/** One event as it was created in a mailbox (writes store new objects, so it stays as it was). */
export interface CreatedEvent {
  tenantId: string;
  userId: string;
  event: StoredEvent;
}

export interface GraphCalendarPart extends MicrosoftPart {
  /** Change timeouts and limits (tests shorten the 10 s handshake and the retry schedule). */
  configure(options: Partial<GraphCalendarOptions>): void;
  readonly options: GraphCalendarOptions;
  /** A user's mailbox, created with a default calendar if needed; `owner` sets the organizer. */
  mailbox(tenantId: string, userId: string, owner?: { name?: string; address?: string }): Mailbox;
  /** Create an event as Outlook itself would (eventFromOutlook), without an HTTP call (fires notifications like one). */
  seedEvent(tenantId: string, userId: string, body: Record<string, unknown>): Record<string, unknown>;
  expireDeltaTokens(): void;
  subscriptions(): Subscription[];
  /** Send a lifecycle notification; subscriptionRemoved also deletes the subscription. */
  sendLifecycle(subscriptionId: string, lifecycleEvent: LifecycleEvent): boolean;
  /** Every notification POST (change and lifecycle), oldest first. */
  readonly deliveries: Delivery[];
  readonly handshakes: HandshakeResult[];
  /**
   * Every event created in any mailbox, oldest first, deleted ones included: a deleted event leaves
   * no trace in its mailbox, and a test counting the events a client created (a create that went
   * through twice) must see those too. Read only.
   */
  readonly createdEvents: CreatedEvent[];
  /** Resolves when no notification is waiting for delivery or a retry. */
  notificationsIdle(): Promise<void>;
}

export function registerGraphCalendar(app: FastifyInstance, context: MicrosoftContext): GraphCalendarPart {
  let options = { ...DEFAULT_GRAPH_CALENDAR_OPTIONS };
  const store = new MailboxStore(context.now);
  const subscriptions = new SubscriptionStore(context.now);
  const notifier = new Notifier(context.controls, () => options);
  let createdEvents: CreatedEvent[] = [];

  // Before any route, and before the shared controls hook (see graph-throttle.ts).
  registerMailboxConcurrency(app, context, () => options);
  registerCalendarRoutes(app, context, store);
  registerSeriesRoutes(app, context, store);
  const delta = registerCalendarDelta(app, context, store);
  registerSubscriptions(app, context, subscriptions, () => options);

  store.onChange(({ mailbox, changeType, event }) => {
    if (changeType === 'created') createdEvents.push({ tenantId: mailbox.tenantId, userId: mailbox.userId, event });
  });
  // Every write in a mailbox notifies the live subscriptions watching it that asked for that change.
  store.onChange(({ mailbox, changeType, event }) => {
    for (const s of subscriptions.list()) {
      if (s.tenantId !== mailbox.tenantId || s.mailboxUserId !== mailbox.userId || !s.changeTypes.includes(changeType)) continue;
      notifier.send('change', s.notificationUrl, { value: [changeNotificationItem(s, changeType, event)] });
    }
  });
  app.addHook('onClose', async () => notifier.reset());

  const part: GraphCalendarPart = {
    configure(next) {
      options = { ...options, ...next };
    },
    get options() {
      return options;
    },
    mailbox: (tenantId, userId, owner) => store.get(tenantId, userId, owner),
    seedEvent(tenantId, userId, body) {
      const mailbox = store.get(tenantId, userId);
      const calendarId = typeof body.calendarId === 'string' ? body.calendarId : store.defaultCalendar(mailbox).id;
      const event = store.create(mailbox, eventFromOutlook(body, mailbox.owner, calendarId));
      return renderEvent(ownInstance(event), { timeZone: null });
    },
    expireDeltaTokens: () => delta.expireAll(),
    subscriptions: () => subscriptions.list(),
    sendLifecycle(subscriptionId, lifecycleEvent) {
      const s = subscriptions.get(subscriptionId);
      if (!s?.lifecycleNotificationUrl) return false;
      notifier.send('lifecycle', s.lifecycleNotificationUrl, { value: [lifecycleNotificationItem(s, lifecycleEvent)] });
      if (lifecycleEvent === 'subscriptionRemoved') subscriptions.remove(s.id);
      return true;
    },
    get deliveries() {
      return notifier.deliveries;
    },
    get handshakes() {
      return subscriptions.handshakes;
    },
    get createdEvents() {
      return createdEvents;
    },
    notificationsIdle: () => notifier.idle(),
    reset() {
      store.reset();
      subscriptions.reset();
      notifier.reset();
      delta.reset();
      createdEvents = [];
      options = { ...DEFAULT_GRAPH_CALENDAR_OPTIONS };
    },
  };
  registerCalendarControls(app, context, part);
  return part;
}
