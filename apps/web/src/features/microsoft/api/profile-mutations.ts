// POST/PATCH/DELETE /api/microsoft/profiles and the archive/unarchive actions. Every change
// refreshes profiles and the consumer matrix.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { microsoftKeys } from './keys.ts';
import type { MicrosoftProfile, ProfileInput, ProfilePatch } from './types.ts';

const base = '/api/microsoft/profiles';
const at = (id: string) => `${base}/${encodeURIComponent(id)}`;

function useMicrosoftMutation<TInput, TResult>(fn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: microsoftKeys.all }) });
}

export const useCreateProfile = () => useMicrosoftMutation((input: ProfileInput) => request<MicrosoftProfile>('POST', base, input));

export const useUpdateProfile = (id: string) => useMicrosoftMutation((patch: ProfilePatch) => request<MicrosoftProfile>('PATCH', at(id), patch));

export const useSetArchived = () =>
  useMicrosoftMutation(({ id, archived }: { id: string; archived: boolean }) => request<MicrosoftProfile>('POST', `${at(id)}/${archived ? 'archive' : 'unarchive'}`));

export const useDeleteProfile = () => useMicrosoftMutation((id: string) => request<{ success: true }>('DELETE', at(id)));
