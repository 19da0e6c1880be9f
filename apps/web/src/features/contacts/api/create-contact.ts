// POST /api/contacts.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { contactKeys } from './keys.ts';
import type { Contact, ContactInput } from './types.ts';

export const createContact = (input: ContactInput) => request<Contact>('POST', '/api/contacts', input);

export function useCreateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createContact,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: contactKeys.all }),
  });
}
