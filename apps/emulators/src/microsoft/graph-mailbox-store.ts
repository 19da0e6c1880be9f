// In-memory Outlook mailboxes, one per tenant + user, created on first use with a default calendar.
// Every write bumps the mailbox's change sequence (delta) and is announced to listeners
// (change notifications).
import { randomBytes } from 'node:crypto';
import type { EmailAddress, StoredEvent } from './graph-event-input.js';

export interface Calendar {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  isDefaultCalendar: boolean;
  changeKey: string;
  canShare: boolean;
  canViewPrivateItems: boolean;
  canEdit: boolean;
  allowedOnlineMeetingProviders: string[];
  defaultOnlineMeetingProvider: string;
  isTallyingResponses: boolean;
  isRemovable: boolean;
  owner: EmailAddress;
}

export interface Mailbox {
  tenantId: string;
  userId: string;
  owner: EmailAddress;
  calendars: Map<string, Calendar>;
  events: Map<string, StoredEvent>;
  /** Change sequence: the number of writes so far. */
  seq: number;
  /** transactionId → event id, for create idempotency. */
  transactions: Map<string, string>;
  /** Edited or deleted occurrences of series, by occurrence id. */
  exceptions: Map<string, OccurrenceException>;
  /** Meeting mail Outlook sent attendees on the organizer's writes, oldest first (see meetingMail). */
  sentMail: AttendeeMail[];
  /**
   * Delta answers an updated event with its id, @odata.etag and only the properties that changed,
   * which Graph allows ("Updated instances are represented by their id with at least the properties
   * that have been updated, but additional properties may be included",
   * https://learn.microsoft.com/graph/delta-query-overview). Off: the whole event, as usual.
   */
  partialDeltaUpdates: boolean;
}

/**
 * One meeting message to one attendee. An organizer's write that adds attendees invites them;
 * one that removes attendees, or deletes the meeting, cancels it for them ("An event update that
 * includes only the attendees property in the request body sends a meeting update to only the
 * attendees that have changed", https://learn.microsoft.com/graph/api/event-update ; "If the event
 * is a meeting, deleting the event on the organizer's calendar sends a cancellation message to the
 * meeting attendees", https://learn.microsoft.com/graph/api/event-delete).
 */
export interface AttendeeMail {
  kind: 'invitation' | 'cancellation';
  /** Lower-cased address. */
  to: string;
  eventId: string;
  subject: string;
  at: number;
}

/** One occurrence of a series that no longer looks like the pattern: edited (`event`) or deleted (null). */
export interface OccurrenceException {
  masterId: string;
  /** The occurrence's date in the pattern (`YYYY-MM-DD`). */
  date: string;
  event: StoredEvent | null;
}

export type ChangeType = 'created' | 'updated' | 'deleted';
export interface MailboxChange {
  mailbox: Mailbox;
  changeType: ChangeType;
  event: StoredEvent;
}

/** Graph ids are long opaque base64 strings starting with AAMk (mailbox item ids). */
const itemId = () => `AAMkAD${randomBytes(33).toString('base64url')}=`;
export const newChangeKey = () => randomBytes(16).toString('base64');
const iCalUId = () => `040000008200E00074C5B7101A82E00800000000${randomBytes(24).toString('hex').toUpperCase()}`;

export class MailboxStore {
  private mailboxes = new Map<string, Mailbox>();
  private listeners: Array<(change: MailboxChange) => void> = [];

  constructor(private readonly now: () => number) {}

  /** The mailbox of a user, created with a default calendar on first use. */
  get(tenantId: string, userId: string, owner?: Partial<EmailAddress>): Mailbox {
    const key = `${tenantId}/${userId}`;
    let mailbox = this.mailboxes.get(key);
    if (!mailbox) {
      const address = owner?.address ?? `${userId}@emulator.onmicrosoft.com`;
      const ownerAddress = { name: owner?.name ?? address.split('@')[0], address };
      const calendar: Calendar = {
        id: `AAMkAGCal${randomBytes(24).toString('base64url')}=`,
        name: 'Calendar',
        color: 'auto',
        hexColor: '',
        isDefaultCalendar: true,
        changeKey: newChangeKey(),
        canShare: true,
        canViewPrivateItems: true,
        canEdit: true,
        allowedOnlineMeetingProviders: ['teamsForBusiness'],
        defaultOnlineMeetingProvider: 'teamsForBusiness',
        isTallyingResponses: true,
        isRemovable: false,
        owner: ownerAddress,
      };
      mailbox = { tenantId, userId, owner: ownerAddress, calendars: new Map([[calendar.id, calendar]]), events: new Map(), seq: 0, transactions: new Map(), exceptions: new Map(), sentMail: [], partialDeltaUpdates: false };
      this.mailboxes.set(key, mailbox);
    } else if (owner) {
      Object.assign(mailbox.owner, owner);
    }
    return mailbox;
  }

  all(): Mailbox[] {
    return [...this.mailboxes.values()];
  }

  defaultCalendar(mailbox: Mailbox): Calendar {
    return [...mailbox.calendars.values()].find((c) => c.isDefaultCalendar) as Calendar;
  }

  onChange(listener: (change: MailboxChange) => void): void {
    this.listeners.push(listener);
  }

  private emit(change: MailboxChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Store a new event: assigns id, change key, iCalUId and timestamps. */
  create(mailbox: Mailbox, draft: StoredEvent): StoredEvent {
    const now = this.now();
    mailbox.seq += 1;
    const event: StoredEvent = { ...draft, id: itemId(), changeKey: newChangeKey(), iCalUId: iCalUId(), createdAt: now, modifiedAt: now, seq: mailbox.seq };
    mailbox.events.set(event.id, event);
    if (event.transactionId !== null) mailbox.transactions.set(event.transactionId, event.id);
    this.meetingMail(mailbox, event.id, null, event);
    this.emit({ mailbox, changeType: 'created', event });
    return event;
  }

  /** Replace an event; every write gets a new change key (and so a new etag). */
  update(mailbox: Mailbox, next: StoredEvent): StoredEvent {
    // Moving a series or changing its pattern discards its exceptions, as Outlook warns it will.
    const before = mailbox.events.get(next.id);
    const timing = (e: StoredEvent | undefined) => JSON.stringify([e?.start, e?.end, e?.isAllDay, e?.recurrence]);
    if (before?.recurrence && timing(before) !== timing(next)) this.dropExceptions(mailbox, next.id);
    mailbox.seq += 1;
    const event: StoredEvent = { ...next, changeKey: newChangeKey(), modifiedAt: Math.max(this.now(), next.modifiedAt + 1), seq: mailbox.seq };
    mailbox.events.set(event.id, event);
    this.meetingMail(mailbox, event.id, before ?? null, event);
    this.emit({ mailbox, changeType: 'updated', event });
    return event;
  }

  delete(mailbox: Mailbox, id: string): boolean {
    const event = mailbox.events.get(id);
    if (!event) return false;
    mailbox.seq += 1;
    mailbox.events.delete(id);
    this.dropExceptions(mailbox, id);
    this.meetingMail(mailbox, id, event, null);
    // A deleted event's transactionId is free again: a retry after a delete creates a new event.
    if (event.transactionId !== null) mailbox.transactions.delete(event.transactionId);
    this.emit({ mailbox, changeType: 'deleted', event });
    return true;
  }

  /**
   * Edit (an event) or delete (null) one occurrence of a series; `shown` is the occurrence as it
   * was, for the change notification. The occurrence keeps its id and becomes an exception.
   */
  writeOccurrence(mailbox: Mailbox, id: string, at: { masterId: string; date: string }, event: StoredEvent | null, shown: StoredEvent): StoredEvent | null {
    const now = this.now();
    mailbox.seq += 1;
    const previous = mailbox.exceptions.get(id)?.event;
    const stored = event && { ...event, id, changeKey: newChangeKey(), createdAt: previous?.createdAt ?? now, modifiedAt: Math.max(now, (previous?.modifiedAt ?? 0) + 1), seq: mailbox.seq };
    mailbox.exceptions.set(id, { ...at, event: stored });
    this.meetingMail(mailbox, id, previous ?? shown, stored);
    this.emit({ mailbox, changeType: stored ? 'updated' : 'deleted', event: stored ?? { ...shown, id } });
    return stored;
  }

  /** Invitations to the attendees `after` adds, cancellations to those it drops (null: none). */
  private meetingMail(mailbox: Mailbox, eventId: string, before: StoredEvent | null, after: StoredEvent | null): void {
    const addresses = (event: StoredEvent | null) => new Set((event?.attendees ?? []).map((a) => a.emailAddress.address.toLowerCase()).filter(Boolean));
    const was = addresses(before);
    const now = addresses(after);
    const subject = (after ?? before)?.subject ?? '';
    for (const to of now) if (!was.has(to)) mailbox.sentMail.push({ kind: 'invitation', to, eventId, subject, at: this.now() });
    for (const to of was) if (!now.has(to)) mailbox.sentMail.push({ kind: 'cancellation', to, eventId, subject, at: this.now() });
  }

  private dropExceptions(mailbox: Mailbox, masterId: string): void {
    for (const [id, exception] of mailbox.exceptions) if (exception.masterId === masterId) mailbox.exceptions.delete(id);
  }

  reset(): void {
    this.mailboxes.clear();
  }
}
