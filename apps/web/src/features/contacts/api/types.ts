// Contact shapes as the API returns them (plugins/core/src/schemas/contacts.ts), and the little of
// a client these pages need.

export interface Contact {
  id: string;
  clientId: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  isInactive: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Empty optional fields are sent as null, which the API stores as "not set" (and clears on PATCH). */
export type ContactInput = Pick<Contact, 'clientId' | 'fullName' | 'email' | 'phone' | 'jobTitle' | 'isInactive'>;

export interface ContactListFilters {
  /** Only this client's contacts (the client page's section). */
  clientId?: string;
  search: string;
  includeInactive: boolean;
  limit: number;
  offset: number;
}

/** A client as a contact page shows it: a name to display and pick. */
export interface ClientOption {
  id: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}
