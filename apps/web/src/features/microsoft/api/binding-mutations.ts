// PUT / DELETE /api/microsoft/consumers/:consumer/binding. Both answer with the consumer's new
// status and warnings (e.g. connections that must re-authorize).
import { request } from '../../../lib/api.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { microsoftKeys } from './keys.ts';
import type { BindingResult, Consumer } from './types.ts';

const url = (consumer: Consumer) => `/api/microsoft/consumers/${consumer}/binding`;

export function useSetBinding(consumer: Consumer) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (profileId: string) => request<BindingResult>('PUT', url(consumer), { profileId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: microsoftKeys.all }),
  });
}

export function useClearBinding(consumer: Consumer) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => request<BindingResult>('DELETE', url(consumer)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: microsoftKeys.all }),
  });
}
