// Bodies of the notifications Graph POSTs for Outlook events.
// Change notification: https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
// (notification example) and https://learn.microsoft.com/graph/api/resources/changenotification.
// Lifecycle: https://learn.microsoft.com/graph/change-notifications-lifecycle-events
import { randomBytes } from 'node:crypto';
import { etagOf } from './graph-event-render.js';
import type { StoredEvent } from './graph-event-input.js';
import type { ChangeType } from './graph-mailbox-store.js';
import { formatUtc } from './graph-time.js';
import type { Subscription } from './subscriptions.js';

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
export const LIFECYCLE_EVENTS: LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];

/** One item of `value`: resource paths name the mailbox user and event, capitalised as Graph does. */
export function changeNotificationItem(subscription: Subscription, changeType: ChangeType, event: StoredEvent): Record<string, unknown> {
  const path = `Users/${subscription.mailboxUserId}/Events/${event.id}`;
  return {
    id: randomBytes(9).toString('base64url'),
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: formatUtc(subscription.expiresAt),
    changeType,
    resource: path,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Event',
      '@odata.id': path,
      '@odata.etag': etagOf(event.changeKey),
      id: event.id,
    },
    clientState: subscription.clientState,
    tenantId: subscription.tenantId,
  };
}

export function lifecycleNotificationItem(subscription: Subscription, lifecycleEvent: LifecycleEvent): Record<string, unknown> {
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: formatUtc(subscription.expiresAt),
    tenantId: subscription.tenantId,
    clientState: subscription.clientState,
    lifecycleEvent,
  };
}
