// Query keys for client data. A client's page also lists its contacts; those queries sit under the
// contacts root ('contacts', the contacts feature's `contactKeys.all`, repeated here because features
// do not import each other), so a contact change on either page refreshes both. The contacts
// feature keeps its client names under `clientKeys.all` for the same reason.
import type { ClientListFilters } from './types.ts';

const contactsRoot = ['contacts'] as const;

export const clientKeys = {
  all: ['clients'] as const,
  lists: () => [...clientKeys.all, 'list'] as const,
  list: (filters: ClientListFilters) => [...clientKeys.lists(), filters] as const,
  details: () => [...clientKeys.all, 'detail'] as const,
  detail: (id: string) => [...clientKeys.details(), id] as const,
  /** Every contact query in the app. */
  allContacts: contactsRoot,
  contacts: (clientId: string) => [...contactsRoot, 'of-client', clientId] as const,
};
