// PATCH /api/contacts/:id.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { contactKeys } from './keys.ts';
import type { Contact, ContactInput } from './types.ts';

export const updateContact = (id: string, patch: Partial<ContactInput>) =>
  request<Contact>('PATCH', `/api/contacts/${encodeURIComponent(id)}`, patch);

export function useUpdateContact(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<ContactInput>) => updateContact(id, patch),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: contactKeys.all }),
  });
}
