// GET /api/clients?limit=500: the clients a portal user can belong to (500 is the API's page limit).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { userKeys } from './keys.ts';
import type { ClientOption } from './types.ts';

export async function fetchClientOptions(): Promise<ClientOption[]> {
  const page = await request<{ items: ClientOption[] }>('GET', '/api/clients?limit=500');
  return page.items.map(({ id, name }) => ({ id, name }));
}

export const clientOptionsQueryOptions = () => queryOptions({ queryKey: userKeys.clientOptions(), queryFn: fetchClientOptions, staleTime: 60_000 });

export const useClientOptions = (enabled: boolean) => useQuery({ ...clientOptionsQueryOptions(), enabled });
