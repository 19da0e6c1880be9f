// GET/POST/DELETE /api/integrations/entra/connection, and the Microsoft profiles to connect with.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import type { ConnectionStatus, EntraConnection } from './types.ts';

export const useConnection = () =>
  useQuery(queryOptions({ queryKey: entraKeys.connection(), queryFn: () => request<ConnectionStatus>('GET', '/api/integrations/entra/connection') }));

export const useProfileOptions = () =>
  useQuery({
    queryKey: entraKeys.profiles(),
    queryFn: () => request<{ items: { id: string; displayName: string; hasClientSecret: boolean }[] }>('GET', '/api/microsoft/profiles').then((r) => r.items),
  });

export type ConnectInput =
  | { kind: 'direct'; profileId: string }
  | { kind: 'cipp'; baseUrl: string; clientId: string; clientSecret: string; tenantId: string };

export function useConnect() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ConnectInput) => request<{ redirectUrl?: string; connection?: EntraConnection }>('POST', '/api/integrations/entra/connection', input),
    onSuccess: (result) => {
      // Direct continues on Microsoft's consent page and comes back to the callback URL.
      if (result.redirectUrl) window.location.assign(result.redirectUrl);
      else void client.invalidateQueries({ queryKey: entraKeys.all });
    },
  });
}

export function useDisconnect() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request<null>('DELETE', '/api/integrations/entra/connection'),
    onSuccess: () => client.invalidateQueries({ queryKey: entraKeys.all }),
  });
}
