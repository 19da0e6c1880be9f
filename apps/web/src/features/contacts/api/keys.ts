// Query keys for contact data. The client names shown beside contacts are client data, so their key
// sits under the clients root ('clients', the clients feature's `clientKeys.all`, repeated here
// because features do not import each other): creating, renaming or deleting a client refreshes
// them, and a contact change does not.
import type { ContactListFilters } from './types.ts';

export const contactKeys = {
  all: ['contacts'] as const,
  lists: () => [...contactKeys.all, 'list'] as const,
  list: (filters: ContactListFilters) => [...contactKeys.lists(), filters] as const,
  clientOptions: () => ['clients', 'options'] as const,
};
