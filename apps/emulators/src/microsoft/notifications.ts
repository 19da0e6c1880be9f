// Delivers change and lifecycle notifications for real: an HTTP POST to the subscriber's URL,
// outside the API request that caused it, retried when the receiver fails, recorded for tests.
// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
import type { Controls } from '../controls.js';

export interface Delivery {
  kind: 'change' | 'lifecycle';
  url: string;
  body: unknown;
  /** HTTP status of the last attempt; null when the receiver did not answer (timeout, refused). */
  status: number | null;
  attempts: number;
  /** `dropped` by an injected notification fault, `failed` after the last retry. */
  outcome: 'delivered' | 'dropped' | 'failed' | 'pending';
  error?: string;
}

export interface DeliveryOptions {
  /** Graph waits 3 seconds for the receiver's 2xx (delivery doc, "respond within 3 seconds"). */
  deliveryTimeoutMs: number;
  /**
   * Delays between retries. Graph retries "multiple times, for up to 4 hours" without a published
   * schedule; the default (10 s, 1 min, 10 min, 1 h) is ours. Tests set short ones.
   */
  retryDelaysMs: number[];
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = { deliveryTimeoutMs: 3000, retryDelaysMs: [10_000, 60_000, 600_000, 3_600_000] };

export class Notifier {
  readonly deliveries: Delivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private pending = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly controls: Controls,
    private readonly options: () => DeliveryOptions,
  ) {}

  /** Queue a notification; returns at once (delivery never blocks the API reply). */
  send(kind: Delivery['kind'], url: string, body: unknown): void {
    const fault = this.controls.takeNotificationFault();
    if (fault === 'drop') {
      this.deliveries.push({ kind, url, body, status: null, attempts: 0, outcome: 'dropped' });
      return;
    }
    const copies = fault === 'duplicate' ? 2 : 1;
    for (let i = 0; i < copies; i += 1) {
      const delivery: Delivery = { kind, url, body, status: null, attempts: 0, outcome: 'pending' };
      this.deliveries.push(delivery);
      this.pending += 1;
      this.schedule(delivery, 0);
    }
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.attempts += 1;
    const { deliveryTimeoutMs, retryDelaysMs } = this.options();
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(delivery.body),
        signal: AbortSignal.timeout(deliveryTimeoutMs),
      });
      delivery.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      // 2xx (202 is what the docs ask receivers to answer) ends it; 5xx asks Graph to retry.
      if (response.ok) return this.finish(delivery, 'delivered');
      delivery.error = `HTTP ${response.status}`;
    } catch (error) {
      delivery.status = null;
      delivery.error = (error as Error).name === 'TimeoutError' ? `no answer within ${deliveryTimeoutMs} ms` : (error as Error).message;
    }
    if (delivery.outcome !== 'pending') return;
    const delay = retryDelaysMs[delivery.attempts - 1];
    if (delay === undefined) return this.finish(delivery, 'failed');
    this.schedule(delivery, delay);
  }

  private finish(delivery: Delivery, outcome: Delivery['outcome']): void {
    if (delivery.outcome !== 'pending') return;
    delivery.outcome = outcome;
    this.pending -= 1;
    if (this.pending === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Resolves once every queued delivery has succeeded or given up. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Forget deliveries and cancel retries (reset, server close). */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Attempts still in flight see a settled outcome and stop there.
    for (const delivery of this.deliveries) if (delivery.outcome === 'pending') delivery.outcome = 'failed';
    this.deliveries.length = 0;
    this.pending = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
