// GET /api/contacts: one page of contacts, optionally searched and with inactive ones.
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { contactKeys } from './keys.ts';
import type { Contact, ContactListFilters, Page } from './types.ts';

export function fetchContacts(filters: ContactListFilters): Promise<Page<Contact>> {
  const params = new URLSearchParams({
    includeInactive: String(filters.includeInactive),
    limit: String(filters.limit),
    offset: String(filters.offset),
  });
  if (filters.clientId) params.set('clientId', filters.clientId);
  if (filters.search) params.set('search', filters.search);
  return request<Page<Contact>>('GET', `/api/contacts?${params}`);
}

export const contactsQueryOptions = (filters: ContactListFilters) =>
  queryOptions({
    queryKey: contactKeys.list(filters),
    queryFn: () => fetchContacts(filters),
    // Keep the current page on screen while the next page or search result loads.
    placeholderData: keepPreviousData,
  });

export const useContacts = (filters: ContactListFilters) => useQuery(contactsQueryOptions(filters));
