// GET /api/clients: the clients the schedule's client filter offers, by name (the first 500; a
// bookmarked filter for a client beyond them still filters, it is just not listed).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';

export interface ClientOption {
  id: string;
  name: string;
}

export const clientOptionsQuery = queryOptions({
  // Under 'clients', so creating or renaming a client refreshes it with the other client lists.
  queryKey: ['clients', 'options-for-schedule'] as const,
  queryFn: () => request<{ items: ClientOption[] }>('GET', '/api/clients?limit=500'),
  staleTime: 5 * 60_000,
});

export const useClientOptions = () => useQuery(clientOptionsQuery);
