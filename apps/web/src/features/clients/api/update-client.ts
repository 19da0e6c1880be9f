// PATCH /api/clients/:id. A new name or domain like another client's is refused with 409
// possible_duplicate unless `confirm` says the user saw that warning and goes ahead.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { Client, ClientInput } from './types.ts';

export const updateClient = (id: string, patch: Partial<ClientInput>, options: { confirm?: boolean } = {}) =>
  request<Client>('PATCH', `/api/clients/${encodeURIComponent(id)}${options.confirm ? '?confirm=true' : ''}`, patch);

export function useUpdateClient(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { patch: Partial<ClientInput>; confirm?: boolean }) => updateClient(id, vars.patch, { confirm: vars.confirm }),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(id), client);
      // Lists, and the client names the contact pages keep under the same root.
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
    },
  });
}
