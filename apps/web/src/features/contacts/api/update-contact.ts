// PATCH /api/contacts/:id. A new email another contact already uses is refused with 409
// possible_duplicate unless `confirm` says the user saw that warning and goes ahead.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { contactKeys } from './keys.ts';
import type { Contact, ContactInput } from './types.ts';

export const updateContact = (id: string, patch: Partial<ContactInput>, options: { confirm?: boolean } = {}) =>
  request<Contact>('PATCH', `/api/contacts/${encodeURIComponent(id)}${options.confirm ? '?confirm=true' : ''}`, patch);

export function useUpdateContact(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { patch: Partial<ContactInput>; confirm?: boolean }) => updateContact(id, vars.patch, { confirm: vars.confirm }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: contactKeys.all }),
  });
}
