// DELETE /api/clients/:id. The API refuses (409) while client-portal users belong to the client;
// the client's contacts are deleted with it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';

export const deleteClient = (id: string) => request<{ success: true }>('DELETE', `/api/clients/${encodeURIComponent(id)}`);

export function useDeleteClient(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteClient(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: clientKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: clientKeys.all });
      // Its contacts went with it; this page's own contact list need not refetch on the way out.
      void queryClient.invalidateQueries({ queryKey: clientKeys.allContacts, refetchType: 'none' });
    },
  });
}
