// GET /api/clients/:id: one client.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { Client } from './types.ts';

export const fetchClient = (id: string) => request<Client>('GET', `/api/clients/${encodeURIComponent(id)}`);

export const clientQueryOptions = (id: string) => queryOptions({ queryKey: clientKeys.detail(id), queryFn: () => fetchClient(id) });

export const useClient = (id: string) => useQuery(clientQueryOptions(id));

/** A missing client (404) or an id that cannot be one (400 on the path parameter). */
export const isClientNotFound = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 400);
