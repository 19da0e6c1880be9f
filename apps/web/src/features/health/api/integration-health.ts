// GET /api/integrations/health: what an admin must act on across integrations, polled so a
// condition that clears disappears without a reload.
import { useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';

export interface HealthCondition {
  kind: 'calendar_provider_error' | 'calendar_renewal_failed' | 'calendar_push_unavailable' | 'stuck_jobs' | 'entra_run_failed' | 'entra_needs_reconnect';
  severity: 'warning' | 'error';
  subject: string;
  reason: string;
  action: string;
  since: string;
}

export const integrationHealthKeys = { all: ['integration-health'] as const };

export const useIntegrationHealth = () =>
  useQuery({
    queryKey: integrationHealthKeys.all,
    queryFn: () => request<{ items: HealthCondition[] }>('GET', '/api/integrations/health'),
    refetchInterval: 60_000,
  });
