// POST /api/clients.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { Client, ClientInput } from './types.ts';

export const createClient = (input: ClientInput) => request<Client>('POST', '/api/clients', input);

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createClient,
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(client.id), client);
      // Lists, and the client names the contact pages keep under the same root.
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
    },
  });
}
