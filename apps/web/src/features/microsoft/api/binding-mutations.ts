// PUT / DELETE /api/microsoft/consumers/:consumer/binding. Both answer with the consumer's new
// status, warnings and the connections that must reconnect. A change that needs the admin's
// confirmation answers 409 with a code and a message saying what confirming does; the same request
// with `?confirm=true` goes ahead.
import { ApiError, request } from '../../../lib/api.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { microsoftKeys } from './keys.ts';
import type { BindingResult, Consumer } from './types.ts';

const url = (consumer: Consumer, confirm: boolean) => `/api/microsoft/consumers/${consumer}/binding${confirm ? '?confirm=true' : ''}`;

/** Codes of the 409s that a confirmation answers (sign-in requirement, connections to reconnect). */
const CONFIRMABLE = ['sso_required', 'reconnect_required'] as const;
export type ConfirmationCode = (typeof CONFIRMABLE)[number];

/** The question a refused change asks the admin, or null when the error is not one to confirm. */
export function confirmationOf(err: unknown): { code: ConfirmationCode; message: string } | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const code = (err.body as { code?: unknown } | null)?.code;
  return CONFIRMABLE.includes(code as ConfirmationCode) ? { code: code as ConfirmationCode, message: err.message } : null;
}

export function useSetBinding(consumer: Consumer) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ profileId, confirm = false }: { profileId: string; confirm?: boolean }) => request<BindingResult>('PUT', url(consumer, confirm), { profileId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: microsoftKeys.all }),
  });
}

export function useClearBinding(consumer: Consumer) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ confirm = false }: { confirm?: boolean } = {}) => request<BindingResult>('DELETE', url(consumer, confirm)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: microsoftKeys.all }),
  });
}
