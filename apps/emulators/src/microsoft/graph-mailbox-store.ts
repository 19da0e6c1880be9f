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
      mailbox = { tenantId, userId, owner: ownerAddress, calendars: new Map([[calendar.id, calendar]]), events: new Map(), seq: 0, transactions: new Map() };
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
    this.emit({ mailbox, changeType: 'created', event });
    return event;
  }

  /** Replace an event; every write gets a new change key (and so a new etag). */
  update(mailbox: Mailbox, next: StoredEvent): StoredEvent {
    mailbox.seq += 1;
    const event: StoredEvent = { ...next, changeKey: newChangeKey(), modifiedAt: Math.max(this.now(), next.modifiedAt + 1), seq: mailbox.seq };
    mailbox.events.set(event.id, event);
    this.emit({ mailbox, changeType: 'updated', event });
    return event;
  }

  delete(mailbox: Mailbox, id: string): boolean {
    const event = mailbox.events.get(id);
    if (!event) return false;
    mailbox.seq += 1;
    mailbox.events.delete(id);
    // A deleted event's transactionId is free again: a retry after a delete creates a new event.
    if (event.transactionId !== null) mailbox.transactions.delete(event.transactionId);
    this.emit({ mailbox, changeType: 'deleted', event });
    return true;
  }

  reset(): void {
    this.mailboxes.clear();
  }
}
