// PATCH /api/contacts/:id from a client's page.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { ClientContact, ClientContactInput } from './types.ts';

export const updateClientContact = (id: string, patch: Partial<ClientContactInput>) =>
  request<ClientContact>('PATCH', `/api/contacts/${encodeURIComponent(id)}`, patch);

export function useUpdateClientContact(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<ClientContactInput>) => updateClientContact(id, patch),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: clientKeys.allContacts }),
  });
}
