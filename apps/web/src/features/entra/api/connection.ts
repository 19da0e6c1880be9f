// GET/POST/DELETE /api/integrations/entra/connection, POST …/connection/test, and the Microsoft
// profiles to connect with.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import type { ConnectionStatus, ConnectionTestResult, EntraConnection } from './types.ts';

export const useConnection = () =>
  useQuery(queryOptions({ queryKey: entraKeys.connection(), queryFn: () => request<ConnectionStatus>('GET', '/api/integrations/entra/connection') }));

export const useProfileOptions = () =>
  useQuery({
    queryKey: entraKeys.profiles(),
    queryFn: () => request<{ items: { id: string; displayName: string; hasClientSecret: boolean }[] }>('GET', '/api/microsoft/profiles').then((r) => r.items),
  });

export interface CippSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /** Optional: the server uses api://{clientId}/.default without it. */
  scope?: string;
}

export type ConnectInput = { kind: 'direct'; profileId: string } | ({ kind: 'cipp' } & CippSettings);

/** An empty scope means "the default", so it is left out rather than sent as ''. */
const withoutEmptyScope = <T extends { scope?: string }>(input: T): T => (input.scope?.trim() ? input : { ...input, scope: undefined });

export function useConnect() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ConnectInput) =>
      request<{ redirectUrl?: string; connection?: EntraConnection }>('POST', '/api/integrations/entra/connection', input.kind === 'cipp' ? withoutEmptyScope(input) : input),
    onSuccess: (result) => {
      // Direct continues on Microsoft's consent page and comes back to the callback URL.
      if (result.redirectUrl) window.location.assign(result.redirectUrl);
      else void client.invalidateQueries({ queryKey: entraKeys.all });
    },
  });
}

/** Tests CIPP settings as typed (nothing is saved), or the active connection when called without settings. */
export function useTestConnection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings?: CippSettings) =>
      request<ConnectionTestResult>('POST', '/api/integrations/entra/connection/test', settings ? { kind: 'cipp', ...withoutEmptyScope(settings) } : {}),
    // Testing the active connection can find that Microsoft refused its sign-in (the card then asks to reconnect).
    onSuccess: (_result, settings) => {
      if (!settings) void client.invalidateQueries({ queryKey: entraKeys.connection() });
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
