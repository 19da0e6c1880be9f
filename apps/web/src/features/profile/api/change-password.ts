// POST /api/auth/password: the signed-in user changes their own password; their other sessions end.
import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export const MIN_PASSWORD_LENGTH = 12;

export const changePassword = (input: PasswordChange) => request<{ success: true }>('POST', '/api/auth/password', input);

export const useChangePassword = () => useMutation({ mutationFn: changePassword });
