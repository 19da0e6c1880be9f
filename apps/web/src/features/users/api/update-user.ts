// PATCH /api/users/:id: role, name, active. Refused with 409 (code last_admin) when it would leave
// the tenant without an active admin.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { userKeys } from './keys.ts';
import type { User, UserChange } from './types.ts';

export const updateUser = ({ id, change }: { id: string; change: UserChange }) => request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, change);

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateUser, onSettled: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}
