// Calendars and their events, with a change sequence that sync tokens and push notifications hang off.
// Deleted events stay as `status: "cancelled"` tombstones, as Google keeps them for incremental sync.
import { randomBytes } from 'node:crypto';

export interface Calendar {
  id: string;
  /** The account that owns it; its primary calendar has id === owner. */
  owner: string;
  summary: string;
  description?: string;
  timeZone: string;
  /** Opaque id of the calendar's events collection in push notifications (X-Goog-Resource-ID). */
  resourceId: string;
  etag: string;
}

/** An event resource as the API returns it (JSON), plus bookkeeping the API does not show. */
export interface StoredEvent {
  resource: Record<string, unknown> & { id: string; status: string; etag: string; updated: string; sequence: number };
  /** Creation order; the stable order of a full list. */
  createdSeq: number;
  /** The store sequence of the last write; incremental sync returns events with changeSeq > token. */
  changeSeq: number;
}

export type ChangeListener = (calendarId: string, event: StoredEvent | null) => void;

export class CalendarStore {
  calendars = new Map<string, Calendar>();
  private events = new Map<string, Map<string, StoredEvent>>();
  /** Monotonic over the whole store; a sync token remembers the value it was issued at. */
  seq = 0;
  /** Bumped by the "expire sync tokens" control; tokens of an older epoch answer 410. */
  syncEpoch = 1;
  /** Moves with every change of the store, notified or not (sync.ts keeps a listing until it does). */
  revision = 0;
  private listeners: ChangeListener[] = [];

  constructor(private readonly now: () => number) {}

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** A fresh etag: Google's look like "3181161784712000" (microseconds); they change on every write. */
  etag(): string {
    return `"${BigInt(this.now()) * 1000n + BigInt(this.nextSeq() % 1000)}"`;
  }

  addCalendar(calendar: { id: string; owner: string; summary?: string; description?: string; timeZone?: string }): Calendar {
    const existing = this.calendars.get(calendar.id);
    if (existing) return existing;
    const full: Calendar = {
      summary: calendar.id,
      timeZone: 'UTC',
      ...calendar,
      owner: calendar.owner.toLowerCase(),
      resourceId: randomBytes(14).toString('base64url'),
      etag: this.etag(),
    };
    this.calendars.set(full.id, full);
    this.events.set(full.id, new Map());
    this.revision += 1;
    return full;
  }

  removeCalendar(id: string): void {
    this.calendars.delete(id);
    this.events.delete(id);
    this.revision += 1;
    for (const listener of this.listeners) listener(id, null);
  }

  calendarsOf(email: string): Calendar[] {
    return [...this.calendars.values()].filter((c) => c.owner === email.toLowerCase());
  }

  eventsOf(calendarId: string): StoredEvent[] {
    return [...(this.events.get(calendarId)?.values() ?? [])];
  }

  getEvent(calendarId: string, eventId: string): StoredEvent | undefined {
    return this.events.get(calendarId)?.get(eventId);
  }

  /** Store a new or changed event resource, stamping etag/updated and notifying watchers. */
  write(calendarId: string, resource: StoredEvent['resource']): StoredEvent {
    const events = this.events.get(calendarId);
    if (!events) throw new Error(`Unknown calendar ${calendarId}`);
    const existing = events.get(resource.id);
    resource.etag = this.etag();
    resource.updated = new Date(this.now()).toISOString();
    const stored: StoredEvent = { resource, createdSeq: existing?.createdSeq ?? this.seq, changeSeq: this.nextSeq() };
    events.set(resource.id, stored);
    this.revision += 1;
    for (const listener of this.listeners) listener(calendarId, stored);
    return stored;
  }

  /** Forget an event without a tombstone (Google does not keep cancelled events for ever); no notification. */
  purge(calendarId: string, eventId: string): boolean {
    this.revision += 1;
    return this.events.get(calendarId)?.delete(eventId) ?? false;
  }

  reset(): void {
    this.calendars.clear();
    this.events.clear();
    this.syncEpoch += 1;
    this.revision += 1;
  }
}
