// Discovery, the mapping preview and confirm (which may create clients), and the clients a tenant can
// be mapped to.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import type { ManagedTenant, MappingDecision, MappingPreview, MappingsConfirmed } from './types.ts';

/** The clients feature's root key (features do not import each other): new clients show in its lists. */
const CLIENTS_ROOT = ['clients'] as const;

export const useManagedTenants = () =>
  useQuery({ queryKey: entraKeys.tenants(), queryFn: () => request<{ items: ManagedTenant[] }>('GET', '/api/integrations/entra/tenants').then((r) => r.items) });

export const useMappingPreview = (enabled: boolean) =>
  useQuery({ queryKey: entraKeys.preview(), enabled, queryFn: () => request<{ items: MappingPreview[] }>('GET', '/api/integrations/entra/mappings/preview').then((r) => r.items) });

export const useClientOptions = () =>
  useQuery({
    queryKey: entraKeys.clients(),
    queryFn: () => request<{ items: { id: string; name: string }[] }>('GET', '/api/clients?limit=500').then((r) => r.items),
  });

export function useDiscover() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request<{ discovered: number; failed: number }>('POST', '/api/integrations/entra/discover'),
    onSuccess: () => client.invalidateQueries({ queryKey: entraKeys.all }),
  });
}

export function useConfirmMappings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mappings: MappingDecision[]) => request<MappingsConfirmed>('POST', '/api/integrations/entra/mappings', { mappings }),
    onSuccess: (result) => {
      if (result.clients.some((c) => c.created)) void client.invalidateQueries({ queryKey: CLIENTS_ROOT });
      return client.invalidateQueries({ queryKey: entraKeys.all });
    },
  });
}
