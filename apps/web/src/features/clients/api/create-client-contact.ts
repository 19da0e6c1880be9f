// POST /api/contacts for the client being viewed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { clientKeys } from './keys.ts';
import type { ClientContact, ClientContactInput } from './types.ts';

export const createClientContact = (clientId: string, input: ClientContactInput) =>
  request<ClientContact>('POST', '/api/contacts', { clientId, ...input });

export function useCreateClientContact(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ClientContactInput) => createClientContact(clientId, input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: clientKeys.allContacts }),
  });
}
