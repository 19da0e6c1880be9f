// PATCH /api/clients/:id.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { Client, ClientInput } from './types.ts';

export const updateClient = (id: string, patch: Partial<ClientInput>) =>
  request<Client>('PATCH', `/api/clients/${encodeURIComponent(id)}`, patch);

export function useUpdateClient(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<ClientInput>) => updateClient(id, patch),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(id), client);
      // Lists, and the client names the contact pages keep under the same root.
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
    },
  });
}
