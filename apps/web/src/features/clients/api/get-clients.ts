// GET /api/clients: one page of clients, optionally filtered by name or domain.
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { Client, ClientListFilters, Page } from './types.ts';

export function fetchClients(filters: ClientListFilters): Promise<Page<Client>> {
  const params = new URLSearchParams({ limit: String(filters.limit), offset: String(filters.offset) });
  if (filters.search) params.set('search', filters.search);
  return request<Page<Client>>('GET', `/api/clients?${params}`);
}

export const clientsQueryOptions = (filters: ClientListFilters) =>
  queryOptions({
    queryKey: clientKeys.list(filters),
    queryFn: () => fetchClients(filters),
    // Keep the current page on screen while the next page or search result loads.
    placeholderData: keepPreviousData,
  });

export const useClients = (filters: ClientListFilters) => useQuery(clientsQueryOptions(filters));
