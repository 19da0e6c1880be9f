// Query keys for client data. The client page's contact count sits under the contacts root
// ('contacts', the contacts feature's `contactKeys.all`, repeated here because features do not
// import each other), so any contact change refreshes it. The contacts feature keeps its client
// names under `clientKeys.all` for the same reason.
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
  contacts: (clientId: string) => [...contactsRoot, 'count-of-client', clientId] as const,
};
