// Watch channels on a calendar's events and the notification POSTs they receive, following the push
// guide: https://developers.google.com/workspace/calendar/api/guides/push
import { randomBytes } from 'node:crypto';
import type { Controls } from '../controls.js';
import type { CalendarStore } from './calendar-store.js';

export interface Channel {
  kind: 'api#channel';
  id: string;
  resourceId: string;
  resourceUri: string;
  token?: string;
  /** Epoch ms. */
  expiration: number;
  address: string;
  calendarId: string;
  email: string;
  clientId: string;
  /** The last X-Goog-Message-Number sent. */
  messageNumber: number;
  stopped: boolean;
}

export interface Delivery {
  channelId: string;
  messageNumber: number;
  state: 'sync' | 'exists' | 'not_exists';
  address: string;
  /** The receiver's HTTP status; absent when it could not be reached or the fault dropped it. */
  status?: number;
  error?: string;
  dropped?: boolean;
  /** Which attempt (1 = first; later ones are retries after a 5xx). */
  attempt: number;
  duplicate?: boolean;
  at: string;
}

export interface PushOptions {
  /** Delays before retrying a 500/502/503/504 answer ("retried with exponential backoff"). */
  retryDelaysMs: number[];
  deliveryTimeoutMs: number;
}

const RETRIED = [500, 502, 503, 504];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PushHub {
  channels = new Map<string, Channel>();
  deliveries: Delivery[] = [];
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly controls: Controls,
    private readonly now: () => number,
    private readonly options: PushOptions,
    store: CalendarStore,
  ) {
    // "exists: There was a change to a resource" — creations, changes and deletions of events alike;
    // `not_exists` only when the watched calendar itself is gone.
    store.onChange((calendarId, event) => this.notifyCalendar(calendarId, event ? 'exists' : 'not_exists'));
  }

  open(channel: Omit<Channel, 'kind' | 'messageNumber' | 'stopped'>): Channel {
    const full: Channel = { kind: 'api#channel', ...channel, messageNumber: 0, stopped: false };
    this.channels.set(full.id, full);
    // "X-Goog-Message-Number always 1 for sync"; the sync message may arrive before the watch response.
    this.send(full, 'sync');
    return full;
  }

  stop(id: string): void {
    const channel = this.channels.get(id);
    if (channel) channel.stopped = true;
  }

  /** Control: channels (all, or one) expire now and get no more notifications. */
  expire(id?: string): number {
    let count = 0;
    for (const channel of this.channels.values()) {
      if (id && channel.id !== id) continue;
      channel.expiration = Math.min(channel.expiration, this.now());
      count += 1;
    }
    return count;
  }

  live(channel: Channel): boolean {
    return !channel.stopped && channel.expiration > this.now();
  }

  private notifyCalendar(calendarId: string, state: 'exists' | 'not_exists'): void {
    for (const channel of this.channels.values()) {
      if (channel.calendarId === calendarId && this.live(channel)) this.send(channel, state);
    }
  }

  /** Fire and forget: the API answer never waits for the receiver. */
  private send(channel: Channel, state: Delivery['state']): void {
    channel.messageNumber += 1;
    const messageNumber = channel.messageNumber;
    const fault = this.controls.takeNotificationFault();
    if (fault === 'drop') {
      // "Notifications are not 100% reliable. Expect a small percentage of messages to get dropped."
      this.deliveries.push({ channelId: channel.id, messageNumber, state, address: channel.address, dropped: true, attempt: 1, at: new Date(this.now()).toISOString() });
      return;
    }
    const copies = fault === 'duplicate' ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const task = this.deliver(channel, state, messageNumber, copy > 0).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  private async deliver(channel: Channel, state: Delivery['state'], messageNumber: number, duplicate: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const record: Delivery = { channelId: channel.id, messageNumber, state, address: channel.address, attempt, at: new Date(this.now()).toISOString(), ...(duplicate ? { duplicate } : {}) };
      try {
        const response = await fetch(channel.address, {
          method: 'POST',
          headers: this.headers(channel, state, messageNumber),
          signal: AbortSignal.timeout(this.options.deliveryTimeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
      } catch (error) {
        record.error = (error as Error).message;
      }
      this.deliveries.push(record);
      const retryable = record.status === undefined || RETRIED.includes(record.status);
      const delay = this.options.retryDelaysMs[attempt - 1];
      if (!retryable || delay === undefined || !this.live(channel)) return;
      await sleep(delay);
    }
  }

  /** The headers of the guide's example notification; "do not include a message body". */
  private headers(channel: Channel, state: Delivery['state'], messageNumber: number): Record<string, string> {
    return {
      'content-type': 'application/json; utf-8',
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
      'x-goog-channel-id': channel.id,
      ...(channel.token !== undefined ? { 'x-goog-channel-token': channel.token } : {}),
      'x-goog-channel-expiration': new Date(channel.expiration).toUTCString(),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': state,
      'x-goog-message-number': String(messageNumber),
    };
  }

  /** Resolves when every delivery started so far (retries included) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  reset(): void {
    this.channels.clear();
    this.deliveries = [];
  }
}

export const newResourceId = () => randomBytes(14).toString('base64url');
