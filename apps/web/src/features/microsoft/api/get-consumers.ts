// GET /api/microsoft/consumers: this edition's consumers with their binding and readiness.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { microsoftKeys } from './keys.ts';
import type { ConsumerMatrix } from './types.ts';

export const consumersQueryOptions = queryOptions({
  queryKey: microsoftKeys.consumers(),
  queryFn: () => request<ConsumerMatrix>('GET', '/api/microsoft/consumers'),
});

export const useConsumers = () => useQuery(consumersQueryOptions);
