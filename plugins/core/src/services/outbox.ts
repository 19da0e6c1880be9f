// The transactional outbox: domain events are appended in the same transaction as the change
// they describe, and a relay hands each one to its subscribers (which typically enqueue jobs in
// the relay's transaction), so no event is lost or published for a rolled-back change.
import type { FastifyBaseLogger as Logger } from 'fastify';
import { createOutageReporter } from '../database-outage.js';
import type { Db } from '../tenancy.js';

export interface DomainEvent {
  id: string;
  tenantId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

const MAX_ATTEMPTS = 10;
/** While the database is away the timer backs off, doubling from one second up to this. */
const MAX_BACKOFF_MS = 30_000;

export type OutboxSubscriber = (trx: Db, event: DomainEvent) => Promise<void>;

export async function appendEvent(
  trx: Db,
  event: { tenantId: string; type: string; aggregateType: string; aggregateId: string; payload: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('outbox_events')
    .values({
      tenant_id: event.tenantId,
      event_type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      payload: JSON.stringify(event.payload),
    })
    .execute();
}

export interface OutboxRelay {
  /** Subscribes to an exact event type, or a prefix ending in `*` (`schedule_entry.*`). */
  subscribe(pattern: string, subscriber: OutboxSubscriber): void;
  /** Publishes pending events once; returns how many were handled. */
  drain(): Promise<number>;
  start(intervalMs: number): void;
  /** Asks a started relay to publish soon (after a commit that appended events). */
  nudge(): void;
  stop(): Promise<void>;
}

export function createOutboxRelay(db: Db, log: Logger): OutboxRelay {
  const subscribers: { pattern: string; fn: OutboxSubscriber }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const matches = (pattern: string, type: string) =>
    pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;

  let current: string | undefined;
  const publishOne = async (): Promise<boolean> =>
    db.transaction().execute(async (trx) => {
      // SKIP LOCKED lets several worker processes relay without handing out an event twice.
      const row = await trx
        .selectFrom('outbox_events')
        .selectAll()
        .where('published_at', 'is', null)
        .where('attempts', '<', MAX_ATTEMPTS)
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return false;
      current = row.id;
      const event: DomainEvent = {
        id: row.id,
        tenantId: row.tenant_id,
        type: row.event_type,
        aggregateType: row.aggregate_type,
        aggregateId: row.aggregate_id,
        payload: row.payload,
        createdAt: row.created_at,
      };
      for (const s of subscribers) {
        if (matches(s.pattern, event.type)) await s.fn(trx, event);
      }
      await trx.updateTable('outbox_events').set({ published_at: new Date() }).where('id', '=', row.id).execute();
      return true;
    });

  // A lost database is not the event's fault: it does not count as an attempt, and the timer
  // backs off until the database answers again (a commit's nudge proves it has, so it goes at once).
  const outage = createOutageReporter(log, 'outbox relay');
  let failures = 0;
  let retryAt = 0;

  const drainOnce = async () => {
    let handled = 0;
    for (;;) {
      try {
        current = undefined;
        const published = await publishOne();
        failures = 0;
        retryAt = 0;
        outage.recovered();
        if (!published) return handled;
        handled++;
      } catch (err) {
        if (outage.failed(err)) {
          failures++;
          retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
          return handled;
        }
        // Leave the event unpublished for the next round; record why so operators can see it.
        // After MAX_ATTEMPTS the event is parked (skipped) so it cannot block every later event.
        log.error({ err, outboxEventId: current }, 'outbox event failed to publish');
        if (current) {
          try {
            await recordFailedAttempt(current, err);
          } catch (recordErr) {
            if (!outage.failed(recordErr)) log.error({ err: recordErr }, 'outbox relay could not record a failed attempt');
          }
        }
        return handled;
      }
    }
  };

  const recordFailedAttempt = (id: string, err: unknown) =>
    db
      .updateTable('outbox_events')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: String((err as Error).message).slice(0, 500) }))
      .where('id', '=', id)
      .execute();

  return {
    subscribe(pattern, fn) {
      subscribers.push({ pattern, fn });
    },
    drain() {
      running ??= drainOnce().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(intervalMs) {
      timer ??= setInterval(() => {
        if (Date.now() >= retryAt) void this.drain();
      }, intervalMs);
      timer.unref();
    },
    nudge() {
      if (timer) setImmediate(() => void this.drain());
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
