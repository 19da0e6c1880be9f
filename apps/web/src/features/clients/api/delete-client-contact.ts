// DELETE /api/contacts/:id from a client's page.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';

export const deleteClientContact = (id: string) => request<{ success: true }>('DELETE', `/api/contacts/${encodeURIComponent(id)}`);

export function useDeleteClientContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteClientContact,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: clientKeys.allContacts }),
  });
}
