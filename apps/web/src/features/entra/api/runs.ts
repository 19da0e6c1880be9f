// Sync runs: start (all tenants or one client), history, one run with its per-tenant results.
// Queries poll while a run is queued or running; a finished run refreshes what it changed.
import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import { isActive, type SyncRun, type SyncRunDetail } from './types.ts';

const POLL_MS = 1000;

export const useRuns = (clientId?: string) =>
  useQuery({
    queryKey: entraKeys.runs(clientId),
    queryFn: () => request<{ items: SyncRun[] }>('GET', `/api/integrations/entra/runs?limit=20${clientId ? `&clientId=${clientId}` : ''}`).then((r) => r.items),
    refetchInterval: (query) => (query.state.data?.some(isActive) ? POLL_MS : false),
  });

export function useRun(id: string | null) {
  const client = useQueryClient();
  const run = useQuery({
    queryKey: entraKeys.run(id ?? ''),
    enabled: !!id,
    queryFn: () => request<SyncRunDetail>('GET', `/api/integrations/entra/runs/${id}`),
    refetchInterval: (query) => (query.state.data && isActive(query.state.data) ? POLL_MS : false),
  });
  const finished = !!run.data && !isActive(run.data);
  // The run may have queued users for review and its list row may still say running.
  useEffect(() => {
    if (!finished) return;
    void client.invalidateQueries({ queryKey: entraKeys.ambiguous() });
    void client.invalidateQueries({ queryKey: [...entraKeys.all, 'runs'] });
  }, [finished, client]);
  return run;
}

export function useStartSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (scope: 'initial' | 'all') => request<{ run: SyncRun; alreadyStarted: boolean }>('POST', '/api/integrations/entra/sync', { scope }),
    onSuccess: () => client.invalidateQueries({ queryKey: entraKeys.all }),
  });
}

export function useSyncClient(clientId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request<{ run: SyncRun; alreadyStarted: boolean }>('POST', `/api/integrations/entra/clients/${clientId}/sync`, {}),
    onSuccess: () => client.invalidateQueries({ queryKey: entraKeys.runs(clientId) }),
  });
}
