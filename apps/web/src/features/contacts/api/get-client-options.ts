// GET /api/clients?limit=500: client names for the contact list and the contact form's client
// picker. 500 is the API's page limit; a contact whose client is beyond it shows a link instead.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { contactKeys } from './keys.ts';
import type { ClientOption, Page } from './types.ts';

export const CLIENT_OPTIONS_LIMIT = 500;

export async function fetchClientOptions(): Promise<Page<ClientOption>> {
  const page = await request<Page<ClientOption>>('GET', `/api/clients?limit=${CLIENT_OPTIONS_LIMIT}`);
  return { items: page.items.map(({ id, name }) => ({ id, name })), total: page.total };
}

export const clientOptionsQueryOptions = () =>
  queryOptions({ queryKey: contactKeys.clientOptions(), queryFn: fetchClientOptions, staleTime: 60_000 });

export const useClientOptions = () => useQuery(clientOptionsQueryOptions());
