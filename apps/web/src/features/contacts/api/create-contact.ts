// POST /api/contacts. An email another contact already uses is refused with 409 possible_duplicate
// unless `confirm` says the user saw that warning and goes ahead.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { contactKeys } from './keys.ts';
import type { Contact, ContactInput } from './types.ts';

export const createContact = (input: ContactInput, options: { confirm?: boolean } = {}) =>
  request<Contact>('POST', `/api/contacts${options.confirm ? '?confirm=true' : ''}`, input);

export function useCreateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { input: ContactInput; confirm?: boolean }) => createContact(vars.input, { confirm: vars.confirm }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: contactKeys.all }),
  });
}
