// POST /api/users: adds a user without a password; the answer carries their invitation link.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { userKeys } from './keys.ts';
import type { NewUserInput, PasswordLink, User } from './types.ts';

export type CreatedUser = User & { invitation?: PasswordLink };

export const createUser = (input: NewUserInput) => request<CreatedUser>('POST', '/api/users', input);

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}
