// GET /api/contacts?clientId=: every contact of one client, inactive ones included.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { ClientContact, Page } from './types.ts';

/** The API's page size limit; a client with more contacts than this is shown in part. */
export const CLIENT_CONTACTS_LIMIT = 500;

export function fetchClientContacts(clientId: string): Promise<Page<ClientContact>> {
  const params = new URLSearchParams({ clientId, includeInactive: 'true', limit: String(CLIENT_CONTACTS_LIMIT) });
  return request<Page<ClientContact>>('GET', `/api/contacts?${params}`);
}

export const clientContactsQueryOptions = (clientId: string) =>
  queryOptions({ queryKey: clientKeys.contacts(clientId), queryFn: () => fetchClientContacts(clientId) });

export const useClientContacts = (clientId: string) => useQuery(clientContactsQueryOptions(clientId));
