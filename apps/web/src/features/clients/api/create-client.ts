// POST /api/clients. A name or domain like an existing client's is refused with 409
// possible_duplicate unless `confirm` says the user saw that warning and goes ahead.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { Client, ClientInput } from './types.ts';

export const createClient = (input: ClientInput, options: { confirm?: boolean } = {}) =>
  request<Client>('POST', `/api/clients${options.confirm ? '?confirm=true' : ''}`, input);

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { input: ClientInput; confirm?: boolean }) => createClient(vars.input, { confirm: vars.confirm }),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(client.id), client);
      // Lists, and the client names the contact pages keep under the same root.
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
    },
  });
}
