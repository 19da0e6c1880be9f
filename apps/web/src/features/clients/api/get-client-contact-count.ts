// GET /api/contacts?clientId=&limit=1: how many contacts a client has (for the delete warning).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';

export function fetchClientContactCount(clientId: string): Promise<number> {
  const params = new URLSearchParams({ clientId, includeInactive: 'true', limit: '1' });
  return request<{ total: number }>('GET', `/api/contacts?${params}`).then((page) => page.total);
}

export const clientContactCountQueryOptions = (clientId: string) =>
  queryOptions({ queryKey: clientKeys.contacts(clientId), queryFn: () => fetchClientContactCount(clientId) });

export const useClientContactCount = (clientId: string) => useQuery(clientContactCountQueryOptions(clientId));
